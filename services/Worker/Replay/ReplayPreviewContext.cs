using Integrations.Worker.Client;

namespace Integrations.Worker.Replay;

/// <summary>
/// Whether the flow run in this DI scope is a replay preview, and what it would do. Scoped: the
/// <see cref="ReplayPreviewer"/> that starts a preview owns the scope and its context; every other scope
/// (the queue's deliveries, the actions API) gets one that was never started, so its flows act as usual.
/// In a preview, <see cref="Connectors.EffectGuard"/> and <see cref="Connectors.RecordPaymentEvent"/>
/// call no provider, the gate or the ledger's start and write no audit row: they look the step up,
/// add it here and give the flow what a replay would get.
/// </summary>
public sealed class ReplayPreviewContext
{
    private readonly List<PlannedEffect> _effects = [];

    public bool IsPreview { get; private set; }

    /// <summary>The steps the flow reached so far, in order.</summary>
    public IReadOnlyList<PlannedEffect> Effects => _effects;

    /// <summary>
    /// The last effect that would run, whose real outcome the flow was given a placeholder for: if the
    /// flow fails after it, the preview cannot tell whether a replay would.
    /// </summary>
    public string? PlaceholderFor { get; private set; }

    /// <summary>Turns this scope's flows into a preview; only the previewer that owns the scope calls it.</summary>
    public void Start()
    {
        if (IsPreview)
        {
            throw new InvalidOperationException("This scope already runs a replay preview.");
        }

        IsPreview = true;
    }

    public void Add(PlannedEffect effect)
    {
        ArgumentNullException.ThrowIfNull(effect);
        if (!IsPreview)
        {
            throw new InvalidOperationException("Steps are planned only in a replay preview.");
        }

        _effects.Add(effect);
        if (effect.WouldDo == PlannedEffect.Run && effect.Kind == PlannedEffect.Effect)
        {
            PlaceholderFor = effect.Action;
        }
    }
}
