namespace Integrations.AppHost.Tests;

public sealed class InfrastructureModeTests
{
    [Theory]
    [InlineData(null, null)]
    [InlineData("auto", null)]
    [InlineData("Container", InfrastructureMode.Container)]
    [InlineData("local", InfrastructureMode.Local)]
    public void ModeIsExplicitOrAuto(string? value, InfrastructureMode? expected) =>
        Assert.Equal(expected, InfrastructureModeSelector.Parse(value));

    [Fact]
    public void UnknownModeNamesTheSetting()
    {
        var error = Assert.Throws<InvalidOperationException>(() => InfrastructureModeSelector.Parse("kubernetes"));

        Assert.Contains(InfrastructureModeSelector.ConfigurationKey, error.Message, StringComparison.Ordinal);
    }
}
