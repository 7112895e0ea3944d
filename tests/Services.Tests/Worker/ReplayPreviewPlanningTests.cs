using Integrations.Worker.Client;
using Integrations.Worker.Connectors;
using Integrations.Worker.Replay;

namespace Integrations.Services.Tests;

/// <summary>What a replay preview plans for each step, from what the ledger or the customer record holds.</summary>
public sealed class ReplayPreviewPlanningTests
{
    private static readonly Effect s_message = new("slack", "#ops", SendMessage.Action, "#ops", "github:d1:send_message", "hello");

    private static LedgerEntry Entry(bool? succeeded, string? outcome = null, string? fingerprint = null) =>
        new(Existed: true, fingerprint ?? s_message.Fingerprint, DateTimeOffset.UnixEpoch, succeeded, outcome);

    [Fact]
    public void AnEffectNoAttemptStartedWouldRun()
    {
        var step = PlannedSteps.ForEffect(s_message, entry: null);

        Assert.Equal((PlannedEffect.Effect, "SendMessage", "slack", "#ops", "github:d1:send_message", false, PlannedEffect.Run, null),
            (step.Kind, step.Action, step.Provider, step.Target, step.IdempotencyKey, step.Exists, step.WouldDo, step.Note));
    }

    [Fact]
    public void ACompletedEffectIsSkippedWithItsStoredOutcome()
    {
        var step = PlannedSteps.ForEffect(s_message, Entry(succeeded: true, "1700000000.000100"));

        Assert.Equal((true, PlannedEffect.Skip, "1700000000.000100"), (step.Exists, step.WouldDo, step.Outcome));
    }

    [Fact]
    public void AnEffectThatFailedPermanentlyEndsTheReplay()
    {
        var step = PlannedSteps.ForEffect(s_message, Entry(succeeded: false, "PermanentFlowException"));

        Assert.Equal((false, PlannedEffect.Fail), (step.Exists, step.WouldDo));
        Assert.Contains("failed permanently", step.Note, StringComparison.Ordinal);
    }

    [Fact]
    public void AnEffectStartedWithoutAnOutcomeWouldRunAfterTheRecoveryCheck()
    {
        var step = PlannedSteps.ForEffect(s_message, Entry(succeeded: null));

        Assert.Equal((false, PlannedEffect.Run), (step.Exists, step.WouldDo));
        Assert.Contains("looks for it at the provider", step.Note, StringComparison.Ordinal);
    }

    [Fact]
    public void AKeyFirstUsedForAnotherRequestEndsTheReplayEvenWhenThatRequestSucceeded()
    {
        var step = PlannedSteps.ForEffect(s_message, Entry(succeeded: true, "ts", fingerprint: "another request"));

        Assert.Equal((true, PlannedEffect.Fail), (step.Exists, step.WouldDo));
        Assert.Contains("different request", step.Note, StringComparison.Ordinal);
    }

    [Fact]
    public void AReadAlwaysRuns()
    {
        var step = PlannedSteps.ForRead(new Effect("stripe", "account", LookUpCheckout.Action, "cs_1", "stripe:evt_1:look_up_checkout", "cs_1"));

        Assert.Equal((PlannedEffect.Read, false, PlannedEffect.Run), (step.Kind, step.Exists, step.WouldDo));
    }

    [Theory]
    [InlineData(null, false, PlannedEffect.Run)]
    [InlineData(false, false, PlannedEffect.Run)]
    [InlineData(true, true, PlannedEffect.Skip)]
    public void APaymentEventIsSkippedOnlyWhenTheRecordHoldsItOrANewerOne(bool? holdsEventOrNewer, bool exists, string wouldDo)
    {
        var update = new CustomerUpdate("evt_1", DateTimeOffset.UnixEpoch, "cus_1", null, null, null, null, null, Livemode: false);

        var step = PlannedSteps.ForPaymentEvent(update, "stripe:evt_1:record_payment_event", holdsEventOrNewer);

        Assert.Equal((PlannedEffect.Record, "cus_1", exists, wouldDo), (step.Kind, step.Target, step.Exists, step.WouldDo));
    }

    [Fact]
    public void TheContextRemembersTheLastEffectWhoseOutcomeWasAPlaceholder()
    {
        var preview = new ReplayPreviewContext();
        preview.Start();

        preview.Add(PlannedSteps.ForEffect(s_message, Entry(succeeded: true, "ts")));
        Assert.Null(preview.PlaceholderFor);
        preview.Add(PlannedSteps.ForEffect(s_message with { Action = CreateTicket.Action }, entry: null));

        Assert.Equal(CreateTicket.Action, preview.PlaceholderFor);
        Assert.Equal(2, preview.Effects.Count);
    }

    [Fact]
    public void OnlyAStartedPreviewPlansSteps()
    {
        var preview = new ReplayPreviewContext();

        Assert.False(preview.IsPreview);
        Assert.Throws<InvalidOperationException>(() => preview.Add(PlannedSteps.ForEffect(s_message, entry: null)));
        preview.Start();
        Assert.Throws<InvalidOperationException>(preview.Start);
    }
}
