using System.CommandLine;
using Integrations.TokenBroker.Client;

namespace Integrations.Cli.Commands;

/// <summary><c>connections list|authorize|revoke</c>: OAuth connections held by the token broker.</summary>
public static class ConnectionsCommand
{
    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new Command("connections", "OAuth connections held by the token broker.") { List(context), Authorize(context), Revoke(context) };
    }

    private static Command List(CliContext context)
    {
        var provider = new Option<string?>("--provider") { Description = "Only this provider's connections." };
        var list = new Command("list", "List connections: provider, account, scopes and status (never a token).") { provider };
        context.SetAction(list, async (parse, cancellationToken) =>
        {
            using var broker = context.Client(parse, "broker");
            var connections = await new TokenBrokerClient(broker.Http).ListConnectionsAsync(parse.GetValue(provider), cancellationToken);
            context.Write(parse, connections, output => Table.Write(output, ["ID", "PROVIDER", "ACCOUNT", "STATUS", "SCOPES", "UPDATED"],
                connections.Select(c => new[] { c.Id.ToString(), c.Provider, c.Account, c.Status, string.Join(' ', c.Scopes), Table.Time(c.UpdatedAt) })));
            return ExitCodes.Success;
        });
        return list;
    }

    private static Command Authorize(CliContext context)
    {
        var provider = new Argument<string>("provider") { Description = "google, github or slack." };
        var loginHint = new Option<string?>("--login-hint", "--account") { Description = "The account the provider should suggest; the connection records the account that approves." };
        var scopes = new Option<string[]>("--scope") { Description = "A scope an action needs; repeat for more. Default: the provider's read-only scopes." };
        var authorize = new Command("authorize", "Start connecting an account: prints the provider's consent URL to open in a browser.") { provider, loginHint, scopes };
        context.SetAction(authorize, async (parse, cancellationToken) =>
        {
            using var broker = context.Client(parse, "broker");
            var requested = parse.GetValue(scopes) is { Length: > 0 } given ? given : null;
            var started = await new TokenBrokerClient(broker.Http).StartAuthorizationAsync(
                new StartAuthorizationRequest(parse.GetValue(provider)!, requested, parse.GetValue(loginHint)), cancellationToken);
            var result = new { provider = started.Provider, loginHint = parse.GetValue(loginHint), consentUrl = started.AuthorizeUrl.AbsoluteUri, expiresAt = started.ExpiresAt };
            context.Write(parse, result, output =>
            {
                output.WriteLine(result.consentUrl);
                context.Console.Error.WriteLine($"Open this URL in a browser and approve; the broker stores the connection when the provider redirects back (once, until {Table.Time(started.ExpiresAt)}).");
            });
            return ExitCodes.Success;
        });
        return authorize;
    }

    private static Command Revoke(CliContext context)
    {
        var id = new Argument<Guid>("id") { Description = "The connection id, from 'connections list'." };
        var revoke = new Command("revoke", "Revoke a connection at the provider and delete it (audited).") { id };
        context.SetAction(revoke, async (parse, cancellationToken) =>
        {
            using var broker = context.Client(parse, "broker");
            await new TokenBrokerClient(broker.Http).RevokeConnectionAsync(parse.GetValue(id), cancellationToken);
            var result = new { id = parse.GetValue(id), revoked = true };
            context.Write(parse, result, output => output.WriteLine($"Revoked connection {result.id}."));
            return ExitCodes.Success;
        });
        return revoke;
    }
}
