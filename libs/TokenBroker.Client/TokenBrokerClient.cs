using System.Net.Http.Json;
using System.Text.Json;

namespace Integrations.TokenBroker.Client;

/// <summary>
/// Typed client for the token broker. Ask for a token per business action, just before using it;
/// do not cache it beyond <see cref="BrokeredToken.ExpiresAt"/>. Refusals throw
/// <see cref="TokenBrokerException"/> with the broker's status and problem details.
/// </summary>
public sealed class TokenBrokerClient(HttpClient http)
{
    public async Task<BrokeredToken> GetAccessTokenAsync(Guid connectionId, string action, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(action);
        using var response = await http.GetAsync($"api/connections/{connectionId}/token?action={Uri.EscapeDataString(action)}", cancellationToken).ConfigureAwait(false);
        await ThrowUnlessSuccessAsync(response, cancellationToken).ConfigureAwait(false);
        return await response.Content.ReadFromJsonAsync<BrokeredToken>(cancellationToken).ConfigureAwait(false)
            ?? throw new TokenBrokerException(response.StatusCode, "The broker answered without a token.");
    }

    public async Task<IReadOnlyList<BrokerConnection>> ListConnectionsAsync(string? provider = null, CancellationToken cancellationToken = default)
    {
        var query = provider is null ? "" : $"?provider={Uri.EscapeDataString(provider)}";
        using var response = await http.GetAsync($"api/connections{query}", cancellationToken).ConfigureAwait(false);
        await ThrowUnlessSuccessAsync(response, cancellationToken).ConfigureAwait(false);
        return await response.Content.ReadFromJsonAsync<List<BrokerConnection>>(cancellationToken).ConfigureAwait(false) ?? [];
    }

    /// <summary>Starts connecting an account: returns the provider's one-time consent URL for a browser.</summary>
    public async Task<AuthorizationStarted> StartAuthorizationAsync(StartAuthorizationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var response = await http.PostAsJsonAsync("api/connections/authorizations", request, cancellationToken).ConfigureAwait(false);
        await ThrowUnlessSuccessAsync(response, cancellationToken).ConfigureAwait(false);
        return await response.Content.ReadFromJsonAsync<AuthorizationStarted>(cancellationToken).ConfigureAwait(false)
            ?? throw new TokenBrokerException(response.StatusCode, "The broker answered without a consent URL.");
    }

    public async Task RevokeConnectionAsync(Guid connectionId, CancellationToken cancellationToken = default)
    {
        using var response = await http.DeleteAsync($"api/connections/{connectionId}", cancellationToken).ConfigureAwait(false);
        await ThrowUnlessSuccessAsync(response, cancellationToken).ConfigureAwait(false);
    }

    private static async Task ThrowUnlessSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var message = $"The token broker answered {(int)response.StatusCode}.";
        try
        {
            using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
            if (problem.RootElement.ValueKind == JsonValueKind.Object
                && problem.RootElement.TryGetProperty("title", out var title) && problem.RootElement.TryGetProperty("detail", out var detail))
            {
                message = $"{title.GetString()} {detail.GetString()}";
            }
        }
        catch (JsonException)
        {
            // Not problem details: the status alone says enough.
        }

        throw new TokenBrokerException(response.StatusCode, message);
    }
}
