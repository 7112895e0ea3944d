using System.Text;
using Integrations.Receiver.Verification;
using Microsoft.AspNetCore.Http;
using static Integrations.Services.Tests.SchemeTestKit;

namespace Integrations.Services.Tests;

public sealed class GitHubSignatureTests
{
    // The test vector from GitHub's "Validating webhook deliveries" documentation.
    private const string DocumentedSecret = "It's a Secret to Everybody";
    private static readonly byte[] s_documentedBody = Encoding.UTF8.GetBytes("Hello, World!");
    private const string DocumentedSignature = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

    private static readonly byte[] s_event = Encoding.UTF8.GetBytes("""{"zen":"Keep it logically awesome."}""");
    private readonly GitHubSignature _scheme = new();

    [Fact]
    public void SignMatchesGitHubsDocumentedVector() =>
        Assert.Equal(DocumentedSignature, GitHubSignature.Sign(s_documentedBody, DocumentedSecret));

    [Fact]
    public void SignedEventVerifiesWithItsDeliveryIdAndEvent()
    {
        var result = _scheme.Verify(Request(GitHubSignature.Sign(s_event, "s1")), s_event, ["s1"], Sandbox);

        Assert.Equal(new VerifiedDelivery("d-1", "ping", null), result.Delivery);
    }

    [Fact]
    public void AnyActiveSecretVerifiesSoRotationNeedsNoDowntime()
    {
        var signed = Request(GitHubSignature.Sign(s_event, "old"));

        Assert.NotNull(_scheme.Verify(signed, s_event, ["new", "old"], Sandbox).Delivery);
        Assert.Equal(StatusCodes.Status401Unauthorized, _scheme.Verify(signed, s_event, ["new"], Sandbox).Rejection?.Status);
    }

    [Fact]
    public void OneChangedByteInTheBodyFailsVerification()
    {
        var tampered = s_event.ToArray();
        tampered[^2] ^= 1;

        var result = _scheme.Verify(Request(GitHubSignature.Sign(s_event, "s1")), tampered, ["s1"], Sandbox);

        Assert.Equal(StatusCodes.Status401Unauthorized, result.Rejection?.Status);
        Assert.DoesNotContain(GitHubSignature.Sign(tampered, "s1")[7..], result.Rejection!.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidSignatureOverNonJsonIsABadRequest()
    {
        var result = _scheme.Verify(Request(DocumentedSignature), s_documentedBody, [DocumentedSecret], Sandbox);

        Assert.Equal(StatusCodes.Status400BadRequest, result.Rejection?.Status);
    }

    [Theory]
    [InlineData("")]
    [InlineData("sha1=757107ea0eb2509fc211221cce984b8a37570b6d")]
    [InlineData("sha256=757107ea")]
    [InlineData("sha256=zz7107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17")]
    [InlineData("SHA256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17")]
    public void MalformedSignatureHeaderIsABadRequest(string header) =>
        Assert.Equal(StatusCodes.Status400BadRequest, _scheme.CheckHeaders(Request(header))?.Status);

    [Fact]
    public void MissingDeliveryIdIsABadRequest() =>
        Assert.Equal(StatusCodes.Status400BadRequest,
            _scheme.CheckHeaders(Headers(("X-GitHub-Event", "push"), (GitHubSignature.HeaderName, DocumentedSignature)))?.Status);

    private static HeaderDictionary Request(string signature) =>
        Headers(("X-GitHub-Event", "ping"), ("X-GitHub-Delivery", "d-1"), (GitHubSignature.HeaderName, signature));
}
