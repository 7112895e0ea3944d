using Integrations.Audit.Chain;

namespace Integrations.Services.Tests;

/// <summary>
/// Pins the documented canonical encoding (docs/audit.md): the expected hashes were computed by an
/// independent implementation of that description (Python's hashlib), not by <see cref="AuditHash"/>.
/// </summary>
public sealed class AuditHashTests
{
    private static readonly DateTimeOffset s_ts = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private static readonly ChainRow s_first = new(
        1, s_ts.AddTicks(1_234_560), "worker", "slack", "SendMessage", "#général", "github:1:send_message", "succeeded", "sandbox",
        "0af7651916cd43dd8448eb211c80319c", null, """{"channel":"#x"}""", AuditHash.Genesis, []);

    [Fact]
    public void HashOfTheFirstRowMatchesTheDocumentedEncoding() =>
        Assert.Equal("e0737f6e1774df9b14194ef0055c87b41154c712fd2019dd9f9b7e26fbe8f6ee",
            Convert.ToHexStringLower(AuditHash.Compute(AuditHash.Genesis, s_first)));

    [Fact]
    public void HashOfTheNextRowCoversThePreviousHashAndNulls()
    {
        var previous = AuditHash.Compute(AuditHash.Genesis, s_first);
        var second = s_first with
        {
            Id = 2, Target = "#x", IdempotencyKey = null, Status = "failed", Environment = "live", TraceId = null, Scope = "chat:write", Details = "{}",
        };

        Assert.Equal("c7756af73637d89143e954f1b6a02330a1ce0c183109477e36a6bd92eb983ff2",
            Convert.ToHexStringLower(AuditHash.Compute(previous, second)));
    }

    [Fact]
    public void ANullFieldAndAnEmptyFieldHashDifferently() =>
        Assert.NotEqual(
            AuditHash.Compute(AuditHash.Genesis, s_first with { Scope = null }),
            AuditHash.Compute(AuditHash.Genesis, s_first with { Scope = "" }));

    [Fact]
    public void MovingBytesBetweenAdjacentFieldsChangesTheHash() =>
        Assert.NotEqual(
            AuditHash.Compute(AuditHash.Genesis, s_first with { Actor = "ab", Provider = "c" }),
            AuditHash.Compute(AuditHash.Genesis, s_first with { Actor = "a", Provider = "bc" }));

    [Fact]
    public void TimestampsAreTruncatedToWholeMicroseconds() =>
        Assert.Equal(s_ts.AddTicks(1_234_560), AuditHash.TruncateToMicroseconds(s_ts.AddTicks(1_234_567)));
}
