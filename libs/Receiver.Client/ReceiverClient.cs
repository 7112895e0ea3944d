using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Integrations.ApiKeys;

namespace Integrations.Receiver.Client;

/// <summary>
/// Typed client for the receiver's admin API: stored deliveries and the run-time signing secrets of a
/// webhook source. A refusal throws an <see cref="HttpRequestException"/> with the receiver's status and
/// its problem details as the message (<see cref="ServiceAnswer"/>). No method returns a secret's value.
/// </summary>
public sealed class ReceiverClient(HttpClient http)
{
    private const string Service = "receiver";

    /// <summary>At most <paramref name="limit"/> of <paramref name="provider"/>'s deliveries (1-500), newest first; only those in <paramref name="state"/> when given.</summary>
    public async Task<IReadOnlyList<DeliveryStatus>> ListDeliveriesAsync(string provider, string? state = null, int limit = 100, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(provider);
        var path = $"deliveries/{Uri.EscapeDataString(provider)}?limit={limit.ToString(CultureInfo.InvariantCulture)}"
            + (state is null ? "" : $"&state={Uri.EscapeDataString(state)}");
        return await GetAsync<List<DeliveryStatus>>(path, cancellationToken).ConfigureAwait(false);
    }

    public Task<DeliveryStatus> GetDeliveryAsync(string provider, string deliveryId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(deliveryId);
        return GetAsync<DeliveryStatus>($"deliveries/{Uri.EscapeDataString(provider)}/{Uri.EscapeDataString(deliveryId)}", cancellationToken);
    }

    /// <summary>The run-time signing secrets of <paramref name="source"/>, retired ones included.</summary>
    public async Task<IReadOnlyList<SecretInfo>> ListSecretsAsync(string source, CancellationToken cancellationToken = default) =>
        await GetAsync<List<SecretInfo>>(SecretsPath(source), cancellationToken).ConfigureAwait(false);

    /// <summary>Adds a signing secret to <paramref name="source"/>; it verifies deliveries alongside the others until they are retired.</summary>
    public async Task<SecretInfo> AddSecretAsync(string source, AddSecretRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var response = await http.PostAsJsonAsync(SecretsPath(source), request, JsonSerializerOptions.Web, cancellationToken).ConfigureAwait(false);
        return await ServiceAnswer.ReadAsync<SecretInfo>(response, Service, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Retires secret <paramref name="id"/> of <paramref name="source"/>, recording <paramref name="actor"/> as who did.</summary>
    public async Task RetireSecretAsync(string source, long id, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var path = $"{SecretsPath(source)}/{id.ToString(CultureInfo.InvariantCulture)}?actor={Uri.EscapeDataString(actor)}";
        using var response = await http.DeleteAsync(path, cancellationToken).ConfigureAwait(false);
        await ServiceAnswer.EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
    }

    private async Task<T> GetAsync<T>(string path, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(path, cancellationToken).ConfigureAwait(false);
        return await ServiceAnswer.ReadAsync<T>(response, Service, cancellationToken).ConfigureAwait(false);
    }

    private static string SecretsPath(string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return $"admin/sources/{Uri.EscapeDataString(source)}/secrets";
    }
}
