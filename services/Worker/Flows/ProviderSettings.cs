using Integrations.Worker.GitHub;
using Integrations.Worker.Slack;
using Integrations.Worker.Stripe;
using Microsoft.Extensions.Options;

namespace Integrations.Worker.Flows;

/// <summary>
/// Which provider credentials the worker was given, by the variable users set them with. In live mode
/// a team configures only the providers it uses; a flow that needs one that is not set is off.
/// </summary>
public sealed class ProviderSettings(IOptions<SlackOptions> slack, IOptions<GitHubOptions> github, IOptions<StripeOptions> stripe)
{
    public const string SlackBotToken = "SLACK_BOT_TOKEN";
    public const string GitHubToken = "GITHUB_TOKEN";
    public const string StripeSecretKey = "STRIPE_SECRET_KEY";

    public bool IsSet(string variable) => variable switch
    {
        SlackBotToken => slack.Value.BotToken.Length > 0,
        GitHubToken => github.Value.Token.Length > 0,
        StripeSecretKey => stripe.Value.SecretKey.Length > 0,
        _ => throw new ArgumentOutOfRangeException(nameof(variable), variable, "Not a provider setting the worker knows."),
    };
}
