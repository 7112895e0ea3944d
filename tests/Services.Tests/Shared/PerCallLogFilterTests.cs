using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Integrations.Services.Tests;

/// <summary>
/// The framework's per-call lines (a request, an HttpClient call, a Polly attempt, an Npgsql command, COPY or wait for a notification)
/// stay out of every service's console and dashboard; their warnings and errors still get through.
/// </summary>
public sealed class PerCallLogFilterTests
{
    [Theory]
    [InlineData("Microsoft.AspNetCore.Hosting.Diagnostics")]
    [InlineData("System.Net.Http.HttpClient.gate.LogicalHandler")]
    [InlineData("Polly")]
    [InlineData("Npgsql.Command")]
    [InlineData("Npgsql.Connection")]
    [InlineData("Npgsql.Copy")]
    public void ACallsInformationLineIsDroppedAndItsWarningKept(string category)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.ConfigureOpenTelemetry();
        using var host = builder.Build();

        var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger(category);

        Assert.False(logger.IsEnabled(LogLevel.Information));
        Assert.True(logger.IsEnabled(LogLevel.Warning));
    }

    [Fact]
    public void TheServicesOwnInformationLinesAreKept()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.ConfigureOpenTelemetry();
        using var host = builder.Build();

        var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Integrations.Worker.Queue.DeliveryProcessor");

        Assert.True(logger.IsEnabled(LogLevel.Information));
    }
}
