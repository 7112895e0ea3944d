using System.Collections.Concurrent;
using CsCheck;

namespace Integrations.Resilience.Tests;

/// <summary>
/// Issue 8, part 2: generated bad webhook requests (forged, truncated and misplaced signatures,
/// stale and future timestamps, oversized, binary and deeply nested bodies, malformed headers,
/// wrong content types, unknown sources) each get exactly their documented status, none a 500,
/// and none is stored.
/// </summary>
[Collection(ResilienceCollection.Name)]
public sealed class BadInputTests(ResilienceStack stack, ITestOutputHelper output)
{
    [Fact]
    public async Task EveryGeneratedBadRequestGetsItsDocumentedStatusAndNothingIsStored()
    {
        var before = await stack.ScalarAsync("integrationsdb", "SELECT count(*) FROM deliveries");
        // Non-ASCII header values are sent as UTF-8, as a misbehaving sender would; HttpClient refuses them otherwise.
        using var receiver = new HttpClient(new SocketsHttpHandler { RequestHeaderEncodingSelector = (_, _) => Encoding.UTF8 })
        {
            BaseAddress = stack.Endpoint("receiver"),
            Timeout = TimeSpan.FromSeconds(60),
        };
        var tally = new ConcurrentDictionary<(string Category, int Expected, int Actual), int>();
        var bySource = new ConcurrentDictionary<string, int>();
        var ids = new ConcurrentQueue<string>();
        var echoes = new ConcurrentQueue<string>();
        var secrets = ResilienceStack.ConfiguredSecrets.Values.ToList();
        var sent = 0L;
        var started = DateTime.UtcNow;

        try
        {
            await BadInput.Any.SampleAsync(async input =>
            {
                using var request = input.Build();
                int status;
                string body;
                try
                {
                    using var response = await receiver.SendAsync(request);
                    status = (int)response.StatusCode;
                    body = await response.Content.ReadAsStringAsync();
                }
                catch (HttpRequestException ex)
                {
                    status = 0;
                    body = ex.Message;
                }

                Interlocked.Increment(ref sent);
                tally.AddOrUpdate((input.Category, (int)input.Expected, status), 1, (_, n) => n + 1);
                bySource.AddOrUpdate(KnownOrUnknown(input.Source), 1, (_, n) => n + 1);
                ids.Enqueue(input.DeliveryId);
                if (secrets.Any(s => body.Contains(s, StringComparison.Ordinal)))
                {
                    echoes.Enqueue($"{input}: the refusal echoes a configured secret");
                }

                Assert.True(status == (int)input.Expected, $"{input}: got {status}, expected {(int)input.Expected}. {body}");
            }, iter: ResilienceScale.BadInputs, threads: 4, print: input => input.ToString());
        }
        finally
        {
            Report(tally, bySource, Interlocked.Read(ref sent), DateTime.UtcNow - started, before);
        }

        var after = await stack.ScalarAsync("integrationsdb", "SELECT count(*) FROM deliveries");
        var stored = await stack.ScalarAsync("integrationsdb", "SELECT count(*) FROM deliveries WHERE delivery_id = ANY($1)", (object)ids.Distinct().ToArray());
        output.WriteLine($"deliveries rows before {before}, after {after}; generated delivery ids found stored: {stored} of {ids.Distinct().Count()}");
        Assert.Empty(echoes);
        Assert.True(sent >= ResilienceScale.BadInputs, $"only {sent} of {ResilienceScale.BadInputs} requests were sent");
        Assert.DoesNotContain(tally.Keys, k => k.Actual >= 500);
        Assert.Equal(before, after);
        Assert.Equal(0, stored);
    }

    private static string KnownOrUnknown(string source) => BadInput.KnownSources.Contains(source) ? source : "(unknown source)";

    private void Report(
        ConcurrentDictionary<(string Category, int Expected, int Actual), int> tally,
        ConcurrentDictionary<string, int> bySource, long sent, TimeSpan elapsed, long deliveriesBefore)
    {
        var statuses = tally.GroupBy(t => t.Key.Actual).OrderBy(g => g.Key).Select(g => $"{(g.Key == 0 ? "no response" : g.Key.ToString(System.Globalization.CultureInfo.InvariantCulture))}: {g.Sum(t => t.Value)}");
        new Figures("bad-input", "Bad input (receiver)")
            .Line($"{sent} generated requests in {elapsed.TotalSeconds:F0} s; deliveries rows before the run: {deliveriesBefore}.")
            .Line($"Statuses: {string.Join(", ", statuses)}.")
            .Line($"By source: {string.Join(", ", bySource.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key} {s.Value}"))}.")
            .Line("")
            .Table(["category", "expected", "got", "requests"],
                tally.OrderBy(t => t.Key.Category, StringComparer.Ordinal).ThenBy(t => t.Key.Actual)
                    .Select(t => new object[] { t.Key.Category, t.Key.Expected, t.Key.Actual == 0 ? "no response" : t.Key.Actual, t.Value }))
            .Write(output);
    }
}
