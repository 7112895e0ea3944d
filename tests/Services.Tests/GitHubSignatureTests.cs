using System.Text;
using Integrations.Receiver.Verification;

namespace Integrations.Services.Tests;

public sealed class GitHubSignatureTests
{
    // The test vector from GitHub's "Validating webhook deliveries" documentation.
    private const string DocumentedSecret = "It's a Secret to Everybody";
    private static readonly byte[] s_documentedBody = Encoding.UTF8.GetBytes("Hello, World!");
    private const string DocumentedSignature = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

    [Fact]
    public void SignMatchesGitHubsDocumentedVector() =>
        Assert.Equal(DocumentedSignature, GitHubSignature.Sign(s_documentedBody, DocumentedSecret));

    [Fact]
    public void DocumentedSignatureVerifies()
    {
        var signature = GitHubSignature.ParseHeader(DocumentedSignature);

        Assert.NotNull(signature);
        Assert.True(GitHubSignature.Verify(s_documentedBody, signature, [DocumentedSecret]));
    }

    [Fact]
    public void AnyActiveSecretVerifiesSoRotationNeedsNoDowntime()
    {
        var signature = GitHubSignature.ParseHeader(DocumentedSignature)!;

        Assert.True(GitHubSignature.Verify(s_documentedBody, signature, ["new-secret", DocumentedSecret]));
        Assert.False(GitHubSignature.Verify(s_documentedBody, signature, ["new-secret", "other"]));
        Assert.False(GitHubSignature.Verify(s_documentedBody, signature, []));
    }

    [Fact]
    public void OneChangedByteInTheBodyFailsVerification()
    {
        var signature = GitHubSignature.ParseHeader(DocumentedSignature)!;
        var tampered = Encoding.UTF8.GetBytes("Hello, World?");

        Assert.False(GitHubSignature.Verify(tampered, signature, [DocumentedSecret]));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("sha1=757107ea0eb2509fc211221cce984b8a37570b6d")]
    [InlineData("sha256=757107ea")]
    [InlineData("sha256=zz7107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17")]
    [InlineData("SHA256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17")]
    public void MalformedHeadersAreNotParsed(string? header) =>
        Assert.Null(GitHubSignature.ParseHeader(header));
}
