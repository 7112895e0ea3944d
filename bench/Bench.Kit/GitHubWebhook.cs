using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;

namespace Integrations.Bench.Kit;

/// <summary>
/// One signed GitHub webhook body and the requests that deliver it. GitHub signs the body only
/// (<c>X-Hub-Signature-256: sha256=&lt;HMAC-SHA256 of the body, lower-case hex&gt;</c>), so one body
/// and one signature serve every request; a unique <c>X-GitHub-Delivery</c> per request makes each
/// one a new delivery that the receiver must verify, dedup-check and store.
/// </summary>
public sealed class GitHubWebhook
{
    /// <summary>The <c>ping</c> body the receiver benchmarks send: stored, no flow runs.</summary>
    public const string PingBody = """{"zen":"Design for failure.","hook_id":1,"repository":{"full_name":"acme/bench"}}""";

    public GitHubWebhook(string eventName, byte[] body, string secret)
    {
        ArgumentException.ThrowIfNullOrEmpty(eventName);
        ArgumentNullException.ThrowIfNull(body);
        ArgumentException.ThrowIfNullOrEmpty(secret);
        Event = eventName;
        Body = body;
        Signature = Sign(body, secret);
    }

    /// <summary>The <c>X-GitHub-Event</c> of every request.</summary>
    public string Event { get; }

    public byte[] Body { get; }

    /// <summary>The <c>X-Hub-Signature-256</c> value of <see cref="Body"/>.</summary>
    public string Signature { get; }

    /// <summary>The <c>X-Hub-Signature-256</c> value GitHub sends with <paramref name="body"/>.</summary>
    public static string Sign(ReadOnlySpan<byte> body, string secret) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    /// <summary>A POST of the body to <paramref name="url"/> as delivery <paramref name="deliveryId"/>; the caller disposes it.</summary>
    public HttpRequestMessage NewRequest(Uri url, string deliveryId)
    {
        var content = new ByteArrayContent(Body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = content };
        request.Headers.Add("X-GitHub-Event", Event);
        request.Headers.Add("X-GitHub-Delivery", deliveryId);
        request.Headers.Add("X-Hub-Signature-256", Signature);
        return request;
    }
}
