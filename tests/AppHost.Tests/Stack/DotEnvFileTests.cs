namespace Integrations.AppHost.Tests;

public sealed class DotEnvFileTests
{
    [Fact]
    public void ParsesNamesValuesQuotesAndComments()
    {
        var values = DotEnvFile.Parse([
            "# comment",
            "",
            "INTEGRATION_ENV=live",
            "export SLACK_BOT_TOKEN = \"xoxb-1\"",
            "GITHUB_WEBHOOK_SECRET='a=b'",
            "EMPTY=",
        ]);

        Assert.Equal("live", values["INTEGRATION_ENV"]);
        Assert.Equal("xoxb-1", values["SLACK_BOT_TOKEN"]);
        Assert.Equal("a=b", values["GITHUB_WEBHOOK_SECRET"]);
        Assert.Equal("", values["EMPTY"]);
        Assert.Equal(4, values.Count);
    }

    [Fact]
    public void MalformedLineIsReportedByNumberWithoutItsContent()
    {
        var error = Assert.Throws<FormatException>(() => DotEnvFile.Parse(["A=1", "s3cr3t-without-name"]));

        Assert.Contains("line 2", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t", error.Message, StringComparison.Ordinal);
    }
}
