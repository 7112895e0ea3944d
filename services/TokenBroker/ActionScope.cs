namespace Integrations.TokenBroker;

/// <summary>The provider and the scope one business action needs.</summary>
public sealed class ActionScope
{
    /// <summary><c>google</c>, <c>github</c> or <c>slack</c>.</summary>
    public string Provider { get; set; } = "";

    /// <summary>The provider's scope string, exactly as granted.</summary>
    public string Scope { get; set; } = "";
}
