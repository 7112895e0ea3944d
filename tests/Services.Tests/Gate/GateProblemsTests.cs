using Integrations.Gate.Apis;
using StackExchange.Redis;

namespace Integrations.Services.Tests;

public sealed class GateProblemsTests
{
    [Theory]
    [InlineData("LOADING Redis is loading the dataset in memory")]
    [InlineData("BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.")]
    [InlineData("MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.")]
    [InlineData("READONLY You can't write against a read only replica.")]
    public void RedisThatCannotServeForNowIsUnavailable(string reply) =>
        Assert.True(GateProblems.IsUnavailable(new RedisServerException(reply)));

    [Theory]
    [InlineData("ERR Error running script (call to f_1234): @user_script:3: bad argument")]
    [InlineData("WRONGTYPE Operation against a key holding the wrong kind of value")]
    [InlineData("LOADINGX not a transient reply")]
    public void OtherRedisErrorsAreNotUnavailability(string reply) =>
        Assert.False(GateProblems.IsUnavailable(new RedisServerException(reply)));

    [Fact]
    public void LostConnectionsAndTimeoutsAreUnavailable()
    {
        Assert.True(GateProblems.IsUnavailable(new RedisConnectionException(ConnectionFailureType.SocketFailure, "down")));
        Assert.True(GateProblems.IsUnavailable(new RedisTimeoutException("slow", CommandStatus.Sent)));
        Assert.False(GateProblems.IsUnavailable(new InvalidOperationException("a bug")));
    }
}
