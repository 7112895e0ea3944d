using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;
using Integrations.TokenBroker.Client;
using Integrations.Worker.Google;
using Integrations.Worker.Queue;
using Integrations.Worker.Triage;

namespace Integrations.Worker.Connectors;

/// <summary>
/// Reads the support export: a Google access token for this action from the broker (read-only
/// Drive scope), the sheet exported as CSV by Drive, parsed with CsvHelper (quoted fields, embedded
/// commas and quotes). A read: it spends the connection's Google budget and is audited.
/// </summary>
public sealed class ReadSupportSheet(TokenBrokerClient broker, GoogleDriveClient drive, EffectGuard guard)
{
    public const string Action = nameof(ReadSupportSheet);

    public Task<IReadOnlyList<SupportRow>> RunAsync(Guid connectionId, string fileId, string idempotencyKey, CancellationToken cancellationToken, string actor = WriteAudit.Actor) =>
        guard.ReadAsync(new Effect("google", connectionId.ToString("N"), Action, fileId, idempotencyKey, fileId, actor), async ct =>
        {
            BrokeredToken token;
            try
            {
                token = await broker.GetAccessTokenAsync(connectionId, Action, ct);
            }
            catch (TokenBrokerException ex) when ((int)ex.Status is 400 or 403 or 404 or 409)
            {
                throw new PermanentFlowException($"The broker has no usable Google token for {Action} on this connection.", ex);
            }

            try
            {
                await using var csv = await drive.ExportCsvAsync(fileId, token.AccessToken, ct);
                return Parse(csv);
            }
            catch (GoogleApiException ex) when (ex.StatusCode == 429)
            {
                throw new ProviderRateLimitedException("google", ex.RetryAfter ?? TimeSpan.FromSeconds(30), ex);
            }
            catch (GoogleApiException ex) when (!ex.IsTransient)
            {
                throw new PermanentFlowException($"Google refused {Action} for file {fileId}.", ex);
            }
        }, cancellationToken);

    internal static IReadOnlyList<SupportRow> Parse(Stream csv)
    {
        using var reader = new StreamReader(csv);
        using var parser = new CsvReader(reader, new CsvConfiguration(CultureInfo.InvariantCulture) { TrimOptions = TrimOptions.Trim });
        var rows = new List<SupportRow>();
        try
        {
            parser.Read();
            parser.ReadHeader();
            while (parser.Read())
            {
                rows.Add(new SupportRow(rows.Count + 1,
                    parser.GetField("id") ?? "", parser.GetField("created_at") ?? "", parser.GetField("customer") ?? "",
                    parser.GetField("subject") ?? "", parser.GetField("body") ?? ""));
            }
        }
        catch (CsvHelperException ex)
        {
            throw new PermanentFlowException("The support export is not the expected CSV (id, created_at, customer, subject, body).", ex);
        }

        return rows;
    }
}
