using Integrations.Gate.Client;
using Integrations.Gate.RateLimits;

namespace Integrations.Services.Tests;

public sealed class ProviderPauseTests
{
    private static readonly DateTimeOffset s_now = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan s_default = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan s_max = TimeSpan.FromHours(1);

    [Fact]
    public void RetryAfterInSecondsPausesForThatLong() =>
        Assert.Equal(TimeSpan.FromSeconds(3), Pause(new Report(429, RetryAfter: "3")));

    [Fact]
    public void RetryAfterAsAnHttpDatePausesUntilThatDate() =>
        Assert.Equal(TimeSpan.FromSeconds(90), Pause(new Report(503, RetryAfter: s_now.AddSeconds(90).ToString("r"))));

    [Fact]
    public void RetryAfterInThePastDoesNotPause() =>
        Assert.Null(Pause(new Report(200, RetryAfter: s_now.AddSeconds(-5).ToString("r"))));

    [Fact]
    public void ExhaustedGitHubBudgetPausesUntilTheEpochReset() =>
        Assert.Equal(
            TimeSpan.FromMinutes(17),
            Pause(new Report(403, RateLimitRemaining: "0", RateLimitReset: s_now.AddMinutes(17).ToUnixTimeSeconds().ToString())));

    [Fact]
    public void SmallResetValuesAreSecondsFromNow() =>
        Assert.Equal(TimeSpan.FromSeconds(42), Pause(new Report(200, RateLimitRemaining: "0", RateLimitReset: "42")));

    [Fact]
    public void RemainingBudgetAtTheProviderDoesNotPause() =>
        Assert.Null(Pause(new Report(200, RateLimitRemaining: "12", RateLimitReset: s_now.AddMinutes(17).ToUnixTimeSeconds().ToString())));

    [Fact]
    public void RetryAfterWinsOverTheRateLimitReset() =>
        Assert.Equal(
            TimeSpan.FromSeconds(60),
            Pause(new Report(403, RetryAfter: "60", RateLimitRemaining: "0", RateLimitReset: s_now.AddMinutes(30).ToUnixTimeSeconds().ToString())));

    [Fact]
    public void BareTooManyRequestsPausesForTheDefault() =>
        Assert.Equal(s_default, Pause(new Report(429)));

    [Fact]
    public void GitHubSecondaryLimitForbiddenWithoutHeadersPausesForTheDefault() =>
        Assert.Equal(s_default, Pause(new Report(403, RateLimitRemaining: "4000", RateLimited: true)));

    [Fact]
    public void PlainForbiddenDoesNotPause() =>
        Assert.Null(Pause(new Report(403, RateLimitRemaining: "4000")));

    [Fact]
    public void PausesAreCappedSoABogusHeaderCannotStopABudgetForGood() =>
        Assert.Equal(s_max, Pause(new Report(429, RetryAfter: "999999")));

    [Theory]
    [InlineData("9223372036854775807", null, null)]
    [InlineData("99999999999999999999999999", null, null)]
    [InlineData(null, "0", "9223372036854775807")]
    public void AHugeRetryAfterOrResetIsCappedNotAnError(string? retryAfter, string? remaining, string? reset) =>
        Assert.Equal(s_max, Pause(new Report(429, RetryAfter: retryAfter, RateLimitRemaining: remaining, RateLimitReset: reset)));

    [Theory]
    [InlineData("soon")]
    [InlineData("-5")]
    [InlineData("")]
    public void UnreadableRetryAfterOnASuccessDoesNotPause(string retryAfter) =>
        Assert.Null(Pause(new Report(200, RetryAfter: retryAfter)));

    private static TimeSpan? Pause(Report report) =>
        ProviderPause.For(
            new ProviderResponseReport("github", "c1", report.StatusCode, report.RetryAfter, report.RateLimitRemaining, report.RateLimitReset, report.RateLimited),
            s_now, s_default, s_max);

    private sealed record Report(
        int StatusCode, string? RetryAfter = null, string? RateLimitRemaining = null, string? RateLimitReset = null, bool RateLimited = false);
}
