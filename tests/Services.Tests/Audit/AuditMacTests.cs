using Integrations.Audit;
using Integrations.Audit.Chain;

namespace Integrations.Services.Tests;

/// <summary>
/// The keyed MAC on each row and the verification rules that use it, on rows built in memory (the
/// PostgreSQL side, with a superuser rewriting rows, is in AppHost.Tests' AuditChainTests). The expected
/// MACs were computed by an independent implementation of docs/audit.md (Python's hmac), not by <see cref="AuditMac"/>.
/// </summary>
public sealed class AuditMacTests
{
    private static readonly byte[] s_key = Convert.FromHexString("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    private static readonly AuditMac s_mac = new(s_key);
    private static readonly DateTimeOffset s_ts = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    [Fact]
    public void MacOfARowMatchesTheDocumentedEncoding()
    {
        var hash = Convert.FromHexString("e0737f6e1774df9b14194ef0055c87b41154c712fd2019dd9f9b7e26fbe8f6ee");

        Assert.Equal("31106f81dba31ab9c64a0f9fe9655566c1329547f5de287e78316ca319fb60f9", Convert.ToHexStringLower(s_mac.Compute(hash, "worker")));
        Assert.Equal("dfeaec19b64971f01aadf7ff551350d5f8f5bf531dd2b9ffbeb20fe66bc37ccb", Convert.ToHexStringLower(s_mac.Compute(hash, null)));
    }

    [Fact]
    public async Task KeyedRowsVerify()
    {
        var result = await VerifyAsync(Chain(keyed: [true, true, true]));

        Assert.True(result.Ok, result.Reason);
        Assert.Equal(3, result.Checked);
        Assert.Equal(3, result.LastId);
    }

    [Fact]
    public async Task RowsWithoutAMacVerifyAsAPrefixSealedByALaterKeyedRow()
    {
        var result = await VerifyAsync(Chain(keyed: [false, false, false, true]));

        Assert.True(result.Ok, result.Reason);
        Assert.Equal(4, result.Checked);
    }

    [Fact]
    public async Task RowsWithoutAnyKeyedRowAreRefusedAsAWhole()
    {
        var result = await VerifyAsync(Chain(keyed: [false, false, false]));

        Assert.False(result.Ok);
        Assert.Equal(1, result.FirstBrokenId);
        Assert.Contains("no row has a MAC", result.Reason, StringComparison.Ordinal);
        Assert.Null(result.LastId);
    }

    [Fact]
    public async Task ARowWithoutAMacAfterAKeyedRowBreaksTheChain()
    {
        var result = await VerifyAsync(Chain(keyed: [false, true, false, true]));

        Assert.False(result.Ok);
        Assert.Equal(3, result.FirstBrokenId);
        Assert.Contains("row 2 before it has one", result.Reason, StringComparison.Ordinal);
        Assert.Equal(2, result.LastId);
    }

    [Fact]
    public async Task ARowRewrittenWithEveryLaterHashRecomputedBreaksTheChainAtThatRow()
    {
        var rows = Chain(keyed: [true, true, true, true]);
        // What a database user without the key can do: change a row, then recompute the unkeyed chain from there on.
        rows[1] = rows[1] with { Target = "forged" };
        var previous = rows[0].Hash;
        for (var i = 1; i < rows.Count; i++)
        {
            rows[i] = rows[i] with { PrevHash = previous, Hash = AuditHash.Compute(previous, rows[i]) };
            previous = rows[i].Hash;
        }

        var result = await VerifyAsync(rows);

        Assert.False(result.Ok);
        Assert.Equal(2, result.FirstBrokenId);
        Assert.Contains("MAC does not verify", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ALegacyRowRewrittenBeforeTheSealBreaksTheChainAtTheSeal()
    {
        var rows = Chain(keyed: [false, false, true]);
        rows[0] = rows[0] with { Target = "forged" };
        var previous = AuditHash.Genesis;
        for (var i = 0; i < rows.Count; i++)
        {
            rows[i] = rows[i] with { PrevHash = previous, Hash = AuditHash.Compute(previous, rows[i]) };
            previous = rows[i].Hash;
        }

        var result = await VerifyAsync(rows);

        Assert.False(result.Ok);
        Assert.Equal(3, result.FirstBrokenId);
    }

    [Fact]
    public async Task AChangedCallerBreaksTheChain()
    {
        var rows = Chain(keyed: [true, true]);
        rows[1] = rows[1] with { Caller = "operator" };

        var result = await VerifyAsync(rows);

        Assert.False(result.Ok);
        Assert.Equal(2, result.FirstBrokenId);
    }

    [Fact]
    public async Task RowsKeyedUnderAnotherKeyDoNotVerify()
    {
        var other = new AuditMac(Convert.FromHexString(new string('7', 64)));

        var result = await ChainVerifier.VerifyAsync(Chain(keyed: [true]).ToAsyncEnumerable(), other, CancellationToken.None);

        Assert.False(result.Ok);
        Assert.Equal(1, result.FirstBrokenId);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("0123456789abcdef0123456789abcdef")]
    [InlineData("not-hex-not-hex-not-hex-not-hex-not-hex-not-hex-not-hex-not-hex!")]
    public void AMissingOrShortChainKeyStopsStartNamingTheVariableAndNotTheValue(string? chainKey)
    {
        var error = Assert.Throws<OptionsValidationException>(() => ResolveOptions(chainKey));

        Assert.Contains("Audit:ChainKey", error.Message, StringComparison.Ordinal);
        Assert.Contains("Audit__ChainKey", error.Message, StringComparison.Ordinal);
        if (!string.IsNullOrEmpty(chainKey))
        {
            Assert.DoesNotContain(chainKey, error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A32ByteHexChainKeyIsAccepted() =>
        Assert.Equal(new string('a', 64), ResolveOptions(new string('a', 64)).ChainKey);

    private static Task<Integrations.Audit.Client.AuditVerification> VerifyAsync(IReadOnlyList<ChainRow> rows) =>
        ChainVerifier.VerifyAsync(rows.ToAsyncEnumerable(), s_mac, CancellationToken.None);

    /// <summary>A consistent chain, row i keyed (caller <c>worker</c>, MAC under the test key) when <paramref name="keyed"/>[i], else as written before the key.</summary>
    private static List<ChainRow> Chain(bool[] keyed)
    {
        var rows = new List<ChainRow>();
        var previous = AuditHash.Genesis;
        for (var i = 0; i < keyed.Length; i++)
        {
            var row = new ChainRow(i + 1, s_ts.AddSeconds(i), "worker", "slack", "SendMessage", "#general", $"key-{i}", "succeeded", "sandbox",
                null, null, "{}", previous, AuditHash.Genesis);
            var hash = AuditHash.Compute(previous, row);
            rows.Add(keyed[i] ? row with { Hash = hash, Caller = "worker", Mac = s_mac.Compute(hash, "worker") } : row with { Hash = hash });
            previous = hash;
        }

        return rows;
    }

    private static AuditOptions ResolveOptions(string? chainKey)
    {
        var values = new Dictionary<string, string?>
        {
            ["Audit:ApiKey"] = "unit-test-audit-key",
            ["Audit:AdminKey"] = "unit-test-admin-key",
            ["Audit:ChainKey"] = chainKey,
        };
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(values).Build());
        services.AddOptions<AuditOptions>().BindConfiguration(AuditOptions.SectionName).ValidateDataAnnotations();
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<AuditOptions>>().Value;
    }
}
