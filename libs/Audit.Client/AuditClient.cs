using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Integrations.Audit.Client;

/// <summary>
/// Typed client for the audit store. <see cref="WriteAsync"/> and <see cref="WriteManyAsync"/> return
/// only once the rows are committed; a failure throws, so callers retry rather than lose the record.
/// </summary>
public sealed class AuditClient(HttpClient http)
{
    private static readonly MediaTypeHeaderValue s_jsonMediaType = new("application/json") { CharSet = "utf-8" };

    // Serialised up front so the request carries a Content-Length; JsonContent would stream it chunked.
    private async Task<HttpResponseMessage> PostAsync<T>(string path, T value, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(value, JsonSerializerOptions.Web));
        content.Headers.ContentType = s_jsonMediaType;
        return await http.PostAsync(path, content, cancellationToken).ConfigureAwait(false);
    }

    public async Task<AuditRecord> WriteAsync(AuditEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);

        using var response = await PostAsync("api/audit", entry, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<AuditRecord>(cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException("The audit store answered without a record.");
    }

    /// <summary>Writes up to 1,000 entries in one request and one transaction; all are committed or none.</summary>
    public async Task<AuditBatchWritten> WriteManyAsync(IReadOnlyList<AuditEntry> entries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entries);

        using var response = await PostAsync("api/audit/batch", entries, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<AuditBatchWritten>(cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException("The audit store answered without a result.");
    }

    /// <summary>One page of rows; pass <see cref="AuditPage.Next"/> back as <see cref="AuditQuery.Before"/> (or <see cref="AuditQuery.After"/> when paging forward).</summary>
    public async Task<AuditPage> QueryAsync(AuditQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);

        return await http.GetFromJsonAsync<AuditPage>($"api/audit{query.ToQueryString()}", cancellationToken).ConfigureAwait(false)
            ?? new AuditPage([], null);
    }

    /// <summary>Every row that matches, page after page, in the order the query asks for.</summary>
    public async IAsyncEnumerable<AuditRecord> QueryAllAsync(AuditQuery query, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);

        var forward = query.After is not null;
        while (true)
        {
            var page = await QueryAsync(query, cancellationToken).ConfigureAwait(false);
            foreach (var record in page.Items)
            {
                yield return record;
            }

            if (page.Next is null)
            {
                yield break;
            }

            var cursor = long.Parse(page.Next, System.Globalization.CultureInfo.InvariantCulture);
            query = forward ? query with { After = cursor } : query with { Before = cursor };
        }
    }

    /// <summary>The NDJSON export, one JSON object per line, oldest first, streamed as the server writes it.</summary>
    public async IAsyncEnumerable<string> ExportLinesAsync(AuditQuery query, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);

        using var request = new HttpRequestMessage(HttpMethod.Get, $"api/audit/export{query.ToQueryString(withLimit: false)}");
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            using var reader = new StreamReader(stream);
            while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
            {
                if (line.Length > 0)
                {
                    yield return line;
                }
            }
        }
    }

    /// <summary>The NDJSON export parsed into records.</summary>
    public async IAsyncEnumerable<AuditRecord> ExportAsync(AuditQuery query, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var line in ExportLinesAsync(query, cancellationToken).ConfigureAwait(false))
        {
            yield return JsonSerializer.Deserialize<AuditRecord>(line, JsonSerializerOptions.Web)
                ?? throw new InvalidOperationException("The export held an empty line.");
        }
    }

    /// <summary>Recomputes the whole hash chain on the server and reports the first broken link.</summary>
    public async Task<AuditVerification> VerifyAsync(CancellationToken cancellationToken = default) =>
        await http.GetFromJsonAsync<AuditVerification>("api/audit/verify", cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException("The audit store answered without a verification.");
}
