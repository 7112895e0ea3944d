using System.Security.Cryptography;
using System.Text;

namespace Integrations.Worker.Connectors;

/// <summary>
/// One user-visible effect a connector is about to cause.
/// </summary>
/// <param name="Provider">The provider and rate budget, e.g. <c>slack</c>.</param>
/// <param name="Connection">Whose budget it spends: the account, token or channel.</param>
/// <param name="Action">The business action, e.g. <c>SendMessage</c>.</param>
/// <param name="Target">What it acts on, e.g. the channel.</param>
/// <param name="IdempotencyKey"><c>provider:event_id:action</c>; the same on every retry, restart and replay.</param>
/// <param name="Request">The request's content, digested into the fingerprint that detects a reused key.</param>
/// <param name="Actor">Who asked for it, as the audit log names them: <c>worker</c> for flows, the caller for actions.</param>
public sealed record Effect(string Provider, string Connection, string Action, string Target, string IdempotencyKey, string Request, string Actor = WriteAudit.Actor)
{
    public string Fingerprint => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{Action}\n{Target}\n{Request}")));
}
