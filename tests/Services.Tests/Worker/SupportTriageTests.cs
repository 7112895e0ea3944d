using Integrations.Worker.Connectors;
using Integrations.Worker.Queue;
using Integrations.Worker.Triage;

namespace Integrations.Services.Tests;

public sealed class SupportTriageTests
{
    [Theory]
    [InlineData("Export crashes", "It fails", "bug")]
    [InlineData("Charged twice", "please refund", "billing")]
    [InlineData("Invoice address", "How can I change it?", "billing")]
    [InlineData("Dark mode", "Would love a dark mode", "feature_request")]
    [InlineData("Hello", "Where is the setting?", "question")]
    [InlineData("Thanks", "All good", "question")]
    public void TheFirstMatchingRuleDecides(string subject, string body, string category)
    {
        var classifier = new KeywordSupportClassifier(Options.Create(new TriageOptions()));

        Assert.Equal(category, classifier.Classify(new SupportRow(1, "T-1", "", "", subject, body)));
    }

    [Fact]
    public void RulesComeFromConfiguration()
    {
        var options = new TriageOptions { Rules = [new() { Category = "security", Keywords = ["password"] }], DefaultCategory = "other" };
        var classifier = new KeywordSupportClassifier(Options.Create(options));

        Assert.Equal("security", classifier.Classify(new SupportRow(1, "T-1", "", "", "Reset", "my PASSWORD leaked")));
        Assert.Equal("other", classifier.Classify(new SupportRow(2, "T-2", "", "", "Crash", "it crashed")));
    }

    [Fact]
    public void QuotedFieldsWithCommasAndQuotesParse()
    {
        var csv = "id,created_at,customer,subject,body\nT-1,2026-11-20,a@example.com,\"Bulk edit, \"\"someday\"\"\",\"line, with comma\"\n";

        var rows = ReadSupportSheet.Parse(new MemoryStream(Encoding.UTF8.GetBytes(csv)));

        var row = Assert.Single(rows);
        Assert.Equal(("T-1", "Bulk edit, \"someday\"", "line, with comma", 1), (row.Id, row.Subject, row.Body, row.RowNumber));
    }

    [Fact]
    public void AnExportWithoutTheExpectedColumnsIsAPermanentFailure() =>
        Assert.Throws<PermanentFlowException>(() => ReadSupportSheet.Parse(new MemoryStream(Encoding.UTF8.GetBytes("name,email\nx,y\n"))));
}
