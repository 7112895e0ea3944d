using System.Text;
using Integrations.Receiver.Verification;
using Microsoft.AspNetCore.Http;
using static Integrations.Services.Tests.SchemeTestKit;

namespace Integrations.Services.Tests;

public sealed class StandardWebhooksSignatureTests
{
    private const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private readonly StandardWebhooksSignature _scheme = new();

    [Fact]
    public void SignatureIsBase64HmacOfIdTimestampAndBodyWithTheDecodedKey()
    {
        var body = Encoding.UTF8.GetBytes("""{"test": 2432232314}""");
        var key = Convert.FromBase64String("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
        var expected = "v1," + Convert.ToBase64String(Hmac(key, "msg_p5jXN8AQM9LWM0D4loKWxJek.1614265330." + """{"test": 2432232314}"""));

        Assert.Equal(expected, StandardWebhooksSignature.Sign("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body, Secret));
    }

    [Fact]
    public void AnyOfSeveralListedSignaturesVerifies()
    {
        var body = Encoding.UTF8.GetBytes("""{"type":"invoice.paid"}""");
        var ts = Now.ToUnixTimeSeconds();
        var valid = StandardWebhooksSignature.Sign("msg_1", ts, body, Secret);
        var other = StandardWebhooksSignature.Sign("msg_1", ts, body, "whsec_" + Convert.ToBase64String(new byte[24]));

        var result = _scheme.Verify(Request("msg_1", ts, $"{other} {valid}"), body, [Secret], Sandbox);

        Assert.Equal(new VerifiedDelivery("msg_1", "invoice.paid", Now), result.Delivery);
    }

    [Fact]
    public void SecretRotationAcceptsOldAndNewKeys()
    {
        var body = Encoding.UTF8.GetBytes("""{"type":"a"}""");
        var ts = Now.ToUnixTimeSeconds();
        var newSecret = "whsec_" + Convert.ToBase64String(Encoding.UTF8.GetBytes("a-brand-new-signing-key!"));
        var signedWithOld = Request("msg_2", ts, StandardWebhooksSignature.Sign("msg_2", ts, body, Secret));

        Assert.NotNull(_scheme.Verify(signedWithOld, body, [newSecret, Secret], Sandbox).Delivery);
        Assert.Equal(StatusCodes.Status401Unauthorized, _scheme.Verify(signedWithOld, body, [newSecret], Sandbox).Rejection?.Status);
    }

    [Theory]
    [InlineData("whsec_")]
    [InlineData("whsec_====")]
    [InlineData("")]
    public void ASecretThatDecodesToAnEmptyKeyIsNotAKey(string secret) =>
        Assert.Null(StandardWebhooksSignature.DecodeSecret(secret));

    [Fact]
    public void StaleTimestampIsRefused()
    {
        var body = Encoding.UTF8.GetBytes("""{"type":"a"}""");
        var ts = Now.AddMinutes(-6).ToUnixTimeSeconds();

        var result = _scheme.Verify(Request("msg_3", ts, StandardWebhooksSignature.Sign("msg_3", ts, body, Secret)), body, [Secret], Sandbox);

        Assert.Equal(StatusCodes.Status401Unauthorized, result.Rejection?.Status);
    }

    [Theory]
    [InlineData("v2,abc")]
    [InlineData("v1,not-base64!")]
    [InlineData("")]
    public void HeaderWithoutAWellFormedV1SignatureIsABadRequest(string signature) =>
        Assert.Equal(StatusCodes.Status400BadRequest, _scheme.CheckHeaders(Request("msg_4", Now.ToUnixTimeSeconds(), signature))?.Status);

    private static HeaderDictionary Request(string id, long ts, string signature) => Headers(
        (StandardWebhooksSignature.IdHeader, id),
        (StandardWebhooksSignature.TimestampHeader, ts.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        (StandardWebhooksSignature.SignatureHeader, signature));
}
