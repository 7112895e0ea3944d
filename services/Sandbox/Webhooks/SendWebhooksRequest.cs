using System.Text.Json.Nodes;

namespace Integrations.Sandbox.Webhooks;

/// <summary>
/// What <c>POST /_sandbox/webhooks</c> should send.
/// </summary>
/// <param name="Provider"><c>github</c>, <c>stripe</c>, <c>slack</c>, or a Standard Webhooks source the sandbox sends as (<c>support</c>).</param>
/// <param name="Type">The event type: GitHub's <c>X-GitHub-Event</c> (default <c>push</c>), Stripe's <c>type</c>
/// (default <c>checkout.session.completed</c>), Slack's inner <c>event.type</c> (default <c>app_mention</c>), a Standard
/// Webhooks source's <c>type</c> (default <c>support.export.updated</c>).</param>
/// <param name="Payload">Properties merged over the sample body (see <see cref="SampleEvents"/>).</param>
/// <param name="Scenario">A seeded sequence instead of one event; Stripe has <c>checkout_completed</c>.</param>
/// <param name="Session">Stripe: the seeded checkout session (default the first, <c>cs_test_SandboxJanePro01</c>).</param>
/// <param name="Customer">Stripe <c>customer.*</c> events: the seeded customer (default the session's).</param>
/// <param name="Duplicates">Extra copies of each event, sent right after it with the same id and body. Default 0.</param>
/// <param name="Order"><c>in</c> or <c>reversed</c>: the order of a scenario's out-of-order pair. Default <c>reversed</c>.</param>
/// <param name="Format">How the body goes: <c>json</c> (the default); for GitHub <c>form</c>, as a hook whose content type is
/// <c>application/x-www-form-urlencoded</c> sends it; for Slack <c>slash_command</c> (<c>type</c> is the command, default
/// <c>/sandbox</c>; <c>payload</c> merged over the fields) or <c>interaction</c> (<c>type</c> default <c>block_actions</c>;
/// <c>payload</c> merged over the interaction's JSON).</param>
/// <param name="Drop">Record every event as sent (in <c>GET /v1/events</c>, in the GitHub hook's delivery log) but do not
/// deliver it: a delivery the provider lost, for gap recovery (<c>integrations deliveries backfill</c>) to find. Default false.</param>
/// <param name="Resend">Stripe or GitHub: send an event the sandbox sent (or dropped) before, by its id (Stripe's event id,
/// GitHub's <c>X-GitHub-Delivery</c>), with the same body, as the provider's own retry would; instead of a new event.</param>
public sealed record SendWebhooksRequest(
    string? Provider,
    string? Type = null,
    JsonObject? Payload = null,
    string? Scenario = null,
    string? Session = null,
    string? Customer = null,
    int Duplicates = 0,
    string? Order = null,
    string? Format = null,
    bool Drop = false,
    string? Resend = null);
