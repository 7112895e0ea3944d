using Integrations.Worker.Flows;

namespace Integrations.Services.Tests;

public sealed class PushSummaryTests
{
    [Fact]
    public void SummarisesRepositoryBranchCommitsAndPusher()
    {
        var payload = """{"ref":"refs/heads/release/1.2","repository":{"full_name":"acme/app"},"pusher":{"name":"alice"},"commits":[{},{},{}]}""";

        var summary = PushSummary.Parse(Encoding.UTF8.GetBytes(payload));

        Assert.Equal(new PushSummary("acme/app", "release/1.2", 3, "alice"), summary);
        Assert.Equal("alice pushed 3 commits to acme/app@release/1.2", summary.Text);
    }

    [Fact]
    public void OneCommitIsSingular()
    {
        var summary = new PushSummary("acme/app", "main", 1, "bob");

        Assert.Equal("bob pushed 1 commit to acme/app@main", summary.Text);
    }

    [Theory]
    [InlineData("""{"ref":"refs/heads/main","pusher":{"name":"a"}}""")]
    [InlineData("""{"repository":{"full_name":"acme/app"},"pusher":{"name":"a"}}""")]
    [InlineData("""[1,2,3]""")]
    [InlineData("""not json""")]
    public void PayloadWithoutRequiredFieldsIsAFormatError(string payload) =>
        Assert.Throws<FormatException>(() => PushSummary.Parse(Encoding.UTF8.GetBytes(payload)));
}
