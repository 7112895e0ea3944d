using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Integrations.ApiKeys;

/// <summary>
/// How the typed clients of this stack's APIs read an answer: a success's JSON body (web defaults), or,
/// for a refusal, an <see cref="HttpRequestException"/> that carries the status and, as its message, the
/// problem details' title, detail and field errors, so a caller can show why without reading the body.
/// </summary>
public static class ServiceAnswer
{
    /// <summary>Returns when <paramref name="response"/> succeeded; otherwise throws with its status and problem details.</summary>
    public static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        var problem = DescribeProblem(body, errorSeparator: " ")?.TrimStart();
        throw new HttpRequestException(string.IsNullOrEmpty(problem) ? $"{(int)response.StatusCode} {response.ReasonPhrase}" : problem, null, response.StatusCode);
    }

    /// <summary>The body of a successful <paramref name="response"/> of <paramref name="service"/>.</summary>
    public static async Task<T> ReadAsync<T>(HttpResponseMessage response, string service, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(response);
        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
        try
        {
            return await response.Content.ReadFromJsonAsync<T>(JsonSerializerOptions.Web, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"The {service} answered without a body.");
        }
        catch (JsonException)
        {
            throw new InvalidOperationException($"The {service} answered with JSON this client does not understand; is it the same version?");
        }
    }

    /// <summary>
    /// The problem details in <paramref name="body"/> as text: each of title and detail after a space, each
    /// field error after <paramref name="errorSeparator"/> as <c>field: error</c>; null when the body is not a JSON object.
    /// </summary>
    public static string? DescribeProblem(string body, string errorSeparator)
    {
        try
        {
            using var problem = JsonDocument.Parse(body);
            return problem.RootElement.ValueKind == JsonValueKind.Object ? Describe(problem.RootElement, errorSeparator) : null;
        }
        catch (JsonException)
        {
            // Not problem details: the status alone says enough.
            return null;
        }
    }

    private static string Describe(JsonElement problem, string errorSeparator)
    {
        var message = new StringBuilder();
        foreach (var name in (ReadOnlySpan<string>)["title", "detail"])
        {
            if (problem.TryGetProperty(name, out var text) && text.ValueKind == JsonValueKind.String)
            {
                message.Append(' ').Append(text.GetString());
            }
        }

        if (problem.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object)
        {
            foreach (var field in errors.EnumerateObject())
            {
                foreach (var error in field.Value.EnumerateArray())
                {
                    message.Append(errorSeparator).Append(field.Name.Length > 0 ? field.Name + ": " : "").Append(error.GetString());
                }
            }
        }

        return message.ToString();
    }
}
