using System.Net.Http.Headers;
using System.Text.Json;

namespace Integrations.Worker.Google;

/// <summary>
/// A thin typed client over Drive's export endpoint (<c>drive/v3/files/{id}/export</c>): the one
/// call the support-triage flow needs, with a caller-supplied access token from the broker.
/// </summary>
public sealed class GoogleDriveClient(HttpClient http)
{
    public async Task<Stream> ExportCsvAsync(string fileId, string accessToken, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"drive/v3/files/{Uri.EscapeDataString(fileId)}/export?mimeType=text%2Fcsv");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            using (response)
            {
                throw new GoogleApiException((int)response.StatusCode, await StatusAsync(response, cancellationToken), response.Headers.RetryAfter?.Delta);
            }
        }

        var content = new MemoryStream(await response.Content.ReadAsByteArrayAsync(cancellationToken));
        response.Dispose();
        return content;
    }

    private static async Task<string> StatusAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            return document.RootElement.GetProperty("error").GetProperty("status").GetString() ?? "";
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return response.ReasonPhrase ?? "";
        }
    }
}
