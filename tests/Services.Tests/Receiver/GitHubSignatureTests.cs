using System.Net;
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

    [Fact]
    public void FormDeliveryIsVerifiedOverItsRawBytesAndStoresItsPayloadJson()
    {
        // Spaces, '+', '&', '=' and a non-ASCII letter: each must survive the form encoding exactly.
        const string json = """{"zen":"Design for failure + a & b = c","hook_id":1,"sender":{"login":"zoë"}}""";
        var form = Encoding.UTF8.GetBytes("payload=" + WebUtility.UrlEncode(json));

        var result = _scheme.Verify(FormRequest(IndependentSignature(form, "s1")), form, ["s1"], Sandbox);

        Assert.Equal(("d-1", "ping"), (result.Delivery?.DeliveryId, result.Delivery?.EventType));
        Assert.Equal(json, Encoding.UTF8.GetString(result.Delivery!.StoredBody!));
        Assert.False(result.Delivery.AnswerEmpty);
    }

    [Fact]
    public void FormSignedOverItsPayloadRatherThanItsRawBytesIsRefused()
    {
        const string json = """{"zen":"Keep it logically awesome."}""";
        var form = Encoding.UTF8.GetBytes("payload=" + WebUtility.UrlEncode(json));

        var result = _scheme.Verify(FormRequest(IndependentSignature(Encoding.UTF8.GetBytes(json), "s1")), form, ["s1"], Sandbox);

        Assert.Equal(StatusCodes.Status401Unauthorized, result.Rejection?.Status);
    }

    [Fact]
    public void OneChangedByteInAFormFailsVerification()
    {
        var form = Encoding.UTF8.GetBytes("payload=" + WebUtility.UrlEncode("""{"zen":"Keep it logically awesome."}"""));
        var signature = IndependentSignature(form, "s1");
        form[^4] ^= 1;

        Assert.Equal(StatusCodes.Status401Unauthorized, _scheme.Verify(FormRequest(signature), form, ["s1"], Sandbox).Rejection?.Status);
    }

    [Theory]
    [InlineData("zen=Keep+it+logically+awesome.", "Form body not understood.")]
    [InlineData("", "Form body not understood.")]
    [InlineData("payload=not+json", "Body is not valid JSON.")]
    [InlineData("payload=%5B1%2C2%5D", "Body is not valid JSON.")]
    [InlineData("payload=%7B%7D&payload=%7B%22a%22%3A1%7D", "Form body not understood.")]
    [InlineData("payload=%7B%22a%22%3A%22%FF%22%7D", "Form body not understood.")]
    public void SignedFormWithoutAJsonPayloadFieldIsABadRequest(string form, string title)
    {
        var body = Encoding.UTF8.GetBytes(form);

        var result = _scheme.Verify(FormRequest(IndependentSignature(body, "s1")), body, ["s1"], Sandbox);

        Assert.Equal((StatusCodes.Status400BadRequest, title), (result.Rejection?.Status, result.Rejection?.Title));
        Assert.Null(result.Delivery);
    }

    private static HeaderDictionary Request(string signature) =>
        Headers(("X-GitHub-Event", "ping"), ("X-GitHub-Delivery", "d-1"), (GitHubSignature.HeaderName, signature));

    private static HeaderDictionary FormRequest(string signature) =>
        Headers(("Content-Type", "application/x-www-form-urlencoded"), ("X-GitHub-Event", "ping"), ("X-GitHub-Delivery", "d-1"), (GitHubSignature.HeaderName, signature));

    /// <summary>GitHub's documented algorithm, computed here rather than by the scheme under test.</summary>
    private static string IndependentSignature(byte[] body, string secret) =>
        "sha256=" + Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));
}
