using Integrations.Worker.Slack;

namespace Integrations.Services.Tests;

public sealed class SlackTextTests
{
    [Theory]
    [InlineData("<!channel> deploy now", "&lt;!channel&gt; deploy now")]
    [InlineData("<https://evil.example|https://github.com/acme/app>", "&lt;https://evil.example|https://github.com/acme/app&gt;")]
    [InlineData("<@U123> & <#C456>", "&lt;@U123&gt; &amp; &lt;#C456&gt;")]
    [InlineData("already &lt; escaped", "already &amp;lt; escaped")]
    public void ControlCharactersAreEscapedAsSlackRequires(string text, string escaped) =>
        Assert.Equal(escaped, SlackText.Escape(text));

    [Fact]
    public void TextWithoutControlCharactersIsUnchanged()
    {
        const string Text = "alice pushed 3 commits to acme/app@main: \"fix: *bold* _it_\" 100%";
        Assert.Same(Text, SlackText.Escape(Text));
    }
}
