using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Integrations.Testing;

/// <summary>Builds GitHub webhook requests the way GitHub sends them, signed over the exact body bytes.</summary>
public static class GitHubDelivery
{
    public static byte[] PushPayload(string repository, int commits = 2, string pusher = "octocat") =>
        JsonSerializer.SerializeToUtf8Bytes(new
        {
            @ref = "refs/heads/main",
            repository = new { full_name = repository },
            pusher = new { name = pusher },
            sender = new { login = pusher },
            commits = Enumerable.Range(1, commits).Select(i => new { id = $"{i:x40}", message = $"feat: change {i}" }).ToArray(),
        });

    public static string Sign(byte[] body, string secret) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    public static HttpRequestMessage Request(byte[] body, string deliveryId, string signature, string eventType = "push")
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/github") { Content = content };
        request.Headers.Add("X-GitHub-Event", eventType);
        request.Headers.Add("X-GitHub-Delivery", deliveryId);
        request.Headers.Add("X-Hub-Signature-256", signature);
        request.Headers.UserAgent.ParseAdd("GitHub-Hookshot/tests");
        return request;
    }
}
