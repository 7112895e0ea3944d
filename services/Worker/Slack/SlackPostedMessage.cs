namespace Integrations.Worker.Slack;

/// <summary>Where Slack put a message: the channel id and the message timestamp (its id).</summary>
public sealed record SlackPostedMessage(string Channel, string Ts);
