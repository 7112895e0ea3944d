using Integrations.Worker.Queue;

namespace Integrations.Services.Tests;

public sealed class RetryScheduleTests
{
    private static readonly TimeSpan s_base = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan s_max = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(1, 2)]
    [InlineData(2, 4)]
    [InlineData(3, 8)]
    [InlineData(5, 30)]
    [InlineData(40, 30)]
    public void DelayStaysWithinTheExponentialCeilingAndTheCap(int attempt, double ceilingSeconds)
    {
        var random = new Random(attempt);
        var delays = Enumerable.Range(0, 500).Select(_ => RetrySchedule.DelayFor(attempt, s_base, s_max, random)).ToList();

        Assert.All(delays, delay => Assert.InRange(delay.TotalSeconds, 0, ceilingSeconds));
        // Full jitter: the delays spread over the range instead of clustering at the ceiling.
        Assert.True(delays.Min().TotalSeconds < ceilingSeconds * 0.2);
        Assert.True(delays.Max().TotalSeconds > ceilingSeconds * 0.8);
    }

    [Fact]
    public void AttemptsStartAtOne() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => RetrySchedule.DelayFor(0, s_base, s_max, Random.Shared));
}
