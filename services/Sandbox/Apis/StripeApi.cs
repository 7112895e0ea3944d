using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Integrations.Sandbox.Stripe;
using Integrations.Sandbox.Webhooks;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace Integrations.Sandbox.Apis;

/// <summary>
/// Stripe's API as Stripe.net sees it, under <c>/stripe/v1/</c>: Bearer (or Basic) auth with
/// <c>STRIPE_SECRET_KEY</c>, form-encoded POST bodies (<c>metadata[plan]=Pro</c>), a <c>Request-Id</c>
/// on every answer, and Stripe's error envelope <c>{"error":{"type":…,"code":…,"message":…}}</c>:
/// 401 for a missing or wrong key (the key is never echoed in full), 404 <c>resource_missing</c>,
/// 400 <c>parameter_unknown</c>. POSTs honour <c>Idempotency-Key</c> (see <see cref="StripeIdempotency"/>).
/// Each customer update is recorded once in the <see cref="EffectLog"/> as <c>stripe/customer_updated</c>
/// with its idempotency key; a replay records nothing.
/// </summary>
public static class StripeApi
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = null };
    private static readonly string[] s_customerFields = ["email", "name", "description", "phone"];

    public static IEndpointRouteBuilder MapStripeApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("stripe/v1");
        api.MapGet("/customers/{id}", GetCustomer);
        api.MapPost("/customers/{id}", UpdateCustomer).DisableAntiforgery();
        api.MapGet("/checkout/sessions/{id}", GetCheckoutSession);
        api.MapGet("/checkout/sessions/{id}/line_items", GetCheckoutSessionLineItems);
        api.MapGet("/events", ListEvents);
        api.MapGet("/events/{id}", GetEvent);
        app.Map("/stripe/{**path}", UnrecognizedUrl).DisableAntiforgery();
        return app;
    }

    public static IResult GetCustomer(string id, HttpContext context, StripeCatalog catalog, IOptions<SandboxOptions> options)
    {
        if (Authenticate(context.Request, options.Value) is null)
        {
            return Unauthorized(context);
        }

        return catalog.Customer(id) is { } customer
            ? Send(context, Reply(StatusCodes.Status200OK, customer.ToJson()))
            : Send(context, Missing("customer", id));
    }

    public static async Task<IResult> UpdateCustomer(
        string id, HttpContext context, StripeCatalog catalog, StripeIdempotency idempotency, EffectLog effects, IOptions<SandboxOptions> options)
    {
        if (Authenticate(context.Request, options.Value) is not { } apiKey)
        {
            return Unauthorized(context);
        }

        var form = context.Request.HasFormContentType
            ? (await context.Request.ReadFormAsync(context.RequestAborted)).SelectMany(f => f.Value.Select(v => KeyValuePair.Create(f.Key, v ?? ""))).ToList()
            : [];
        var parameters = string.Join('&', form.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));
        var idempotencyKey = context.Request.Headers["Idempotency-Key"].ToString() is { Length: > 0 } key ? key : null;

        if (idempotencyKey is not null)
        {
            var claim = idempotency.Begin(apiKey, idempotencyKey, $"POST /v1/customers/{id}\n{parameters}");
            switch (claim.Status)
            {
                case IdempotencyClaimStatus.Replay:
                    return Send(context, claim.Reply!, replayed: true);
                case IdempotencyClaimStatus.Mismatch:
                    return Send(context, Error(StatusCodes.Status400BadRequest, "idempotency_error", null,
                        $"Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '{idempotencyKey}' if you meant to execute a different request."));
                case IdempotencyClaimStatus.InUse:
                    return Send(context, Error(StatusCodes.Status409Conflict, "invalid_request_error", "idempotency_key_in_use",
                        "There is currently another in-progress request using this idempotency key (probably a different process trying to do the same request). Try again once the previous request has finished."));
            }
        }

        StripeReply? reply = null;
        var executed = false;
        try
        {
            (reply, executed) = Update(id, form, parameters, idempotencyKey, catalog, effects);
            return Send(context, reply);
        }
        finally
        {
            // A request that threw is forgotten too, so its key is not "in use" forever.
            if (idempotencyKey is not null)
            {
                idempotency.Complete(apiKey, idempotencyKey, reply, store: executed);
            }
        }
    }

    public static IResult GetCheckoutSession(string id, HttpContext context, StripeCatalog catalog, IOptions<SandboxOptions> options)
    {
        if (Authenticate(context.Request, options.Value) is null)
        {
            return Unauthorized(context);
        }

        if (catalog.Session(id) is not { } session)
        {
            return Send(context, Missing("checkout.session", id));
        }

        var json = session.ToJson(catalog.Customer(session.CustomerId));
        var expand = context.Request.Query.Where(q => q.Key.StartsWith("expand", StringComparison.Ordinal)).SelectMany(q => q.Value).ToList();
        foreach (var field in expand)
        {
            if (field != "line_items")
            {
                return Send(context, Error(StatusCodes.Status400BadRequest, "invalid_request_error", "parameter_invalid",
                    $"This property cannot be expanded ({field}).", "expand"));
            }

            json["line_items"] = session.LineItemsJson();
        }

        return Send(context, Reply(StatusCodes.Status200OK, json));
    }

    public static IResult GetCheckoutSessionLineItems(string id, HttpContext context, StripeCatalog catalog, IOptions<SandboxOptions> options)
    {
        if (Authenticate(context.Request, options.Value) is null)
        {
            return Unauthorized(context);
        }

        return catalog.Session(id) is { } session
            ? Send(context, Reply(StatusCodes.Status200OK, session.LineItemsJson()))
            : Send(context, Missing("checkout.session", id));
    }

    /// <summary>
    /// <c>GET /v1/events</c> as Stripe pages it: a list object <c>{object, data, has_more, url}</c>, newest
    /// first, <c>limit</c> 1 to 100 (default 10), the cursors <c>starting_after</c> (older than that event)
    /// or <c>ending_before</c> (newer than it), <c>created</c> as an exact time or <c>created[gt|gte|lt|lte]</c>,
    /// and <c>type</c> or <c>types[]</c>. Every event the sandbox sent or dropped is listed, with its exact body.
    /// </summary>
    public static IResult ListEvents(HttpContext context, StripeEventLog events, IOptions<SandboxOptions> options)
    {
        if (Authenticate(context.Request, options.Value) is null)
        {
            return Unauthorized(context);
        }

        var query = context.Request.Query;
        foreach (var (name, _) in query)
        {
            if (name is not ("limit" or "starting_after" or "ending_before" or "created" or "type")
                && !name.StartsWith("created[", StringComparison.Ordinal) && !name.StartsWith("types[", StringComparison.Ordinal)
                && !name.StartsWith("expand", StringComparison.Ordinal))
            {
                return Send(context, Error(StatusCodes.Status400BadRequest, "invalid_request_error", "parameter_unknown", $"Received unknown parameter: {name}", name));
            }
        }

        var limit = 10;
        if (query["limit"].ToString() is { Length: > 0 } limitText)
        {
            if (!int.TryParse(limitText, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out limit))
            {
                return Send(context, Error(StatusCodes.Status400BadRequest, "invalid_request_error", "parameter_invalid_integer", $"Invalid integer: {limitText}", "limit"));
            }

            if (limit is < 1 or > 100)
            {
                return Send(context, Error(StatusCodes.Status400BadRequest, "invalid_request_error", "parameter_invalid_integer",
                    limit < 1 ? "This value must be greater than or equal to 1." : "This value must be less than or equal to 100.", "limit"));
            }
        }

        var createdFilters = new List<(string Name, long Value)>();
        foreach (var name in new[] { "created", "created[gt]", "created[gte]", "created[lt]", "created[lte]" })
        {
            if (query[name].ToString() is { Length: > 0 } text)
            {
                if (!long.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var value))
                {
                    return Send(context, Error(StatusCodes.Status400BadRequest, "invalid_request_error", "parameter_invalid_integer", $"Invalid integer: {text}", name));
                }

                createdFilters.Add((name, value));
            }
        }

        var types = query.Where(q => q.Key.StartsWith("types[", StringComparison.Ordinal)).SelectMany(q => q.Value).Select(v => v ?? "")
            .Concat(query["type"].Where(v => !string.IsNullOrEmpty(v)).Select(v => v!)).ToList();
        var (after, before) = (query["starting_after"].ToString(), query["ending_before"].ToString());
        if (after.Length > 0 && before.Length > 0)
        {
            return Send(context, Error(StatusCodes.Status400BadRequest, "invalid_request_error", null,
                "You may only specify one of these parameters: ending_before, starting_after."));
        }

        var all = events.NewestFirst();
        var cursorId = after.Length > 0 ? after : before;
        var cursor = cursorId.Length > 0 ? all.FirstOrDefault(e => e.Id == cursorId) : null;
        if (cursorId.Length > 0 && cursor is null)
        {
            return Send(context, Error(StatusCodes.Status404NotFound, "invalid_request_error", "resource_missing",
                $"No such event: '{cursorId}'", after.Length > 0 ? "starting_after" : "ending_before"));
        }

        var matching = all.Where(e => createdFilters.All(f => f.Name switch
            {
                "created" => e.Created == f.Value,
                "created[gt]" => e.Created > f.Value,
                "created[gte]" => e.Created >= f.Value,
                "created[lt]" => e.Created < f.Value,
                _ => e.Created <= f.Value,
            }) && (types.Count == 0 || types.Any(t => TypeMatches(t, e.Type))))
            .ToList();

        List<StripeEvent> page;
        bool hasMore;
        if (cursor is not null && after.Length > 0)
        {
            var older = matching.Where(e => IsOlder(e, cursor)).ToList();
            (page, hasMore) = ([.. older.Take(limit)], older.Count > limit);
        }
        else if (cursor is not null)
        {
            var newer = matching.Where(e => IsOlder(cursor, e)).ToList();
            (page, hasMore) = ([.. newer.Skip(Math.Max(0, newer.Count - limit))], newer.Count > limit);
        }
        else
        {
            (page, hasMore) = ([.. matching.Take(limit)], matching.Count > limit);
        }

        return Send(context, Reply(StatusCodes.Status200OK, new Dictionary<string, object>
        {
            ["object"] = "list",
            ["data"] = page.Select(e => JsonSerializer.Deserialize<JsonElement>(e.Body)).ToList(),
            ["has_more"] = hasMore,
            ["url"] = "/v1/events",
        }));
    }

    public static IResult GetEvent(string id, HttpContext context, StripeEventLog events, IOptions<SandboxOptions> options)
    {
        if (Authenticate(context.Request, options.Value) is null)
        {
            return Unauthorized(context);
        }

        return events.NewestFirst().FirstOrDefault(e => e.Id == id) is { } found
            ? Send(context, Reply(StatusCodes.Status200OK, JsonSerializer.Deserialize<JsonElement>(found.Body)))
            : Send(context, Missing("event", id));
    }

    /// <summary>Whether <paramref name="a"/> comes after <paramref name="b"/> in the newest-first list.</summary>
    private static bool IsOlder(StripeEvent a, StripeEvent b) => a.Created < b.Created || (a.Created == b.Created && a.Sequence < b.Sequence);

    /// <summary>A type filter, with Stripe's wildcard at the end (<c>customer.*</c>).</summary>
    private static bool TypeMatches(string filter, string type) =>
        filter.EndsWith(".*", StringComparison.Ordinal) ? type.StartsWith(filter[..^1], StringComparison.Ordinal) : filter == type;

    public static IResult UnrecognizedUrl(string? path, HttpContext context) =>
        Send(context, Error(StatusCodes.Status404NotFound, "invalid_request_error", null,
            $"Unrecognized request URL ({context.Request.Method}: /{path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/."));

    /// <returns>The reply, and whether the request began executing (its reply is then kept for replays).</returns>
    private static (StripeReply Reply, bool Executed) Update(
        string id, List<KeyValuePair<string, string>> form, string parameters, string? idempotencyKey, StripeCatalog catalog, EffectLog effects)
    {
        foreach (var (name, _) in form)
        {
            if (!s_customerFields.Contains(name) && !IsMetadata(name, out _) && !name.StartsWith("expand", StringComparison.Ordinal))
            {
                return (Error(StatusCodes.Status400BadRequest, "invalid_request_error", "parameter_unknown",
                    $"Received unknown parameter: {name}", name), false);
            }
        }

        var updated = catalog.Update(id, current =>
        {
            var metadata = new Dictionary<string, string>(current.Metadata);
            foreach (var (name, value) in form)
            {
                if (IsMetadata(name, out var metadataKey))
                {
                    if (value.Length == 0)
                    {
                        metadata.Remove(metadataKey);
                    }
                    else
                    {
                        metadata[metadataKey] = value;
                    }
                }
            }

            return current with
            {
                Email = Field(form, "email") ?? current.Email,
                Name = Field(form, "name") ?? current.Name,
                Description = Field(form, "description") ?? current.Description,
                Phone = Field(form, "phone") ?? current.Phone,
                Metadata = metadata,
            };
        });
        if (updated is null)
        {
            return (Missing("customer", id), true);
        }

        effects.Record("stripe", "customer_updated", id, parameters, idempotencyKey, Activity.Current?.TraceId.ToHexString());
        return (Reply(StatusCodes.Status200OK, updated.ToJson()), true);
    }

    private static bool IsMetadata(string name, out string key)
    {
        key = name.StartsWith("metadata[", StringComparison.Ordinal) && name.EndsWith(']') ? name["metadata[".Length..^1] : "";
        return key.Length > 0;
    }

    private static string? Field(List<KeyValuePair<string, string>> form, string name) =>
        form.LastOrDefault(p => p.Key == name) is { Key: not null } pair ? pair.Value : null;

    /// <summary>The caller's API key when it is the sandbox's secret key; <c>null</c> otherwise.</summary>
    private static string? Authenticate(HttpRequest request, SandboxOptions options)
    {
        var key = PresentedKey(request.Headers.Authorization);
        return key is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(options.StripeSecretKey))
            ? key
            : null;
    }

    private static string? PresentedKey(StringValues authorization)
    {
        var header = authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            return header["Bearer ".Length..].Trim();
        }

        if (header.StartsWith("Basic ", StringComparison.Ordinal))
        {
            try
            {
                var user = Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..].Trim()));
                return user.Split(':')[0];
            }
            catch (FormatException)
            {
                return null;
            }
        }

        return null;
    }

    private static IResult Unauthorized(HttpContext context)
    {
        var key = PresentedKey(context.Request.Headers.Authorization);
        var message = string.IsNullOrEmpty(key)
            ? "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY')."
            : $"Invalid API Key provided: {Mask(key)}";
        return Send(context, Error(StatusCodes.Status401Unauthorized, "invalid_request_error", null, message));
    }

    /// <summary>Like Stripe: the key's prefix (<c>sk_test_</c>) and its last four characters, never the rest.</summary>
    internal static string Mask(string key)
    {
        var prefix = key.StartsWith("sk_test_", StringComparison.Ordinal) || key.StartsWith("rk_test_", StringComparison.Ordinal) ? key[..8]
            : key.StartsWith("sk_live_", StringComparison.Ordinal) || key.StartsWith("rk_live_", StringComparison.Ordinal) ? key[..8]
            : "";
        return key.Length >= prefix.Length + 12 ? $"{prefix}****{key[^4..]}" : $"{prefix}****";
    }

    private static StripeReply Missing(string kind, string id) =>
        Error(StatusCodes.Status404NotFound, "invalid_request_error", "resource_missing", $"No such {kind}: '{id}'", "id");

    private static StripeReply Error(int status, string type, string? code, string message, string? param = null)
    {
        var error = new Dictionary<string, object?> { ["type"] = type, ["message"] = message };
        if (code is not null)
        {
            error["code"] = code;
            error["doc_url"] = $"https://stripe.com/docs/error-codes/{code.Replace('_', '-')}";
        }

        if (param is not null)
        {
            error["param"] = param;
        }

        return Reply(status, new { error });
    }

    private static StripeReply Reply(int status, object body) =>
        new(status, JsonSerializer.SerializeToUtf8Bytes(body, s_json), NewRequestId());

    private static IResult Send(HttpContext context, StripeReply reply, bool replayed = false)
    {
        var headers = context.Response.Headers;
        if (replayed)
        {
            headers["Idempotent-Replayed"] = "true";
            headers["Original-Request"] = reply.RequestId;
            headers["Request-Id"] = NewRequestId();
        }
        else
        {
            headers["Request-Id"] = reply.RequestId;
        }

        if (context.Request.Headers["Idempotency-Key"].ToString() is { Length: > 0 } key)
        {
            headers["Idempotency-Key"] = key;
        }

        headers["Stripe-Version"] = context.Request.Headers["Stripe-Version"].ToString() is { Length: > 0 } version ? version : "2025-01-27.acacia";
        return Results.Text(Encoding.UTF8.GetString(reply.Body), "application/json", Encoding.UTF8, reply.Status);
    }

    internal static string NewRequestId() => "req_" + RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 14);
}
