using System.Globalization;
using Integrations.Receiver.Verification;
using Microsoft.AspNetCore.Http;
using static Integrations.Services.Tests.SchemeTestKit;

namespace Integrations.Services.Tests;

public sealed class StripeSignatureTests
{
    private const string Secret = "whsec_test_secret";
    private readonly StripeSignature _scheme = new();

    [Fact]
    public void SignatureIsHexHmacOfTimestampDotBody()
    {
        var body = EventBody("evt_1", livemode: false);
        var expected = Convert.ToHexStringLower(Hmac(Encoding.UTF8.GetBytes(Secret), "1800000000." + Encoding.UTF8.GetString(body)));

        Assert.Equal($"t=1800000000,v1={expected}", StripeSignature.Sign(body, 1_800_000_000, Secret));
    }

    [Fact]
    public void TestModeEventVerifiesInSandboxWithItsIdTypeAndCreatedTime()
    {
        var body = EventBody("evt_1", livemode: false);

        var result = _scheme.Verify(Signed(body, Now, Secret), body, [Secret], Sandbox);

        Assert.Equal(new VerifiedDelivery("evt_1", "customer.updated", DateTimeOffset.FromUnixTimeSeconds(1_700_000_000)), result.Delivery);
    }

    [Fact]
    public void SeveralV1ValuesAndSeveralSecretsAreAccepted()
    {
        var body = EventBody("evt_2", livemode: false);
        var good = StripeSignature.Sign(body, Now.ToUnixTimeSeconds(), Secret);
        var header = good.Replace(",v1=", $",v1={new string('0', 64)},v1=", StringComparison.Ordinal);

        var result = _scheme.Verify(Headers((StripeSignature.HeaderName, header)), body, ["whsec_other", Secret], Sandbox);

        Assert.Equal("evt_2", result.Delivery?.DeliveryId);
    }

    [Fact]
    public void LiveModeEventIsRefusedInSandbox()
    {
        var body = EventBody("evt_3", livemode: true);

        var result = _scheme.Verify(Signed(body, Now, Secret), body, [Secret], Sandbox);

        Assert.Equal(StatusCodes.Status400BadRequest, result.Rejection?.Status);
        Assert.Contains("livemode", result.Rejection!.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void TimestampOlderThanToleranceIsRefused()
    {
        var body = EventBody("evt_4", livemode: false);

        var result = _scheme.Verify(Signed(body, Now.AddSeconds(-301), Secret), body, [Secret], Sandbox);

        Assert.Equal(StatusCodes.Status401Unauthorized, result.Rejection?.Status);
    }

    [Fact]
    public void WrongSecretIsRefused()
    {
        var body = EventBody("evt_5", livemode: false);

        var result = _scheme.Verify(Signed(body, Now, "whsec_wrong"), body, [Secret], Sandbox);

        Assert.Equal(StatusCodes.Status401Unauthorized, result.Rejection?.Status);
    }

    [Theory]
    [InlineData(Secret, StatusCodes.Status400BadRequest)]
    [InlineData("whsec_wrong", StatusCodes.Status401Unauthorized)]
    public void BodyThatIsNotUtf8IsVerifiedOverItsRawBytes(string signedWith, int expected)
    {
        byte[] body = [0x7b, 0xff, 0xfe, 0x00, 0x80, 0x7d];
        var t = Now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var v1 = Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(Encoding.UTF8.GetBytes(signedWith), (byte[])[.. Encoding.UTF8.GetBytes(t + "."), .. body]));

        var result = _scheme.Verify(Headers((StripeSignature.HeaderName, $"t={t},v1={v1}")), body, [Secret], Sandbox);

        Assert.Equal(expected, result.Rejection?.Status);
    }

    [Theory]
    [InlineData("")]
    [InlineData("t=abc,v1=00")]
    [InlineData("t=1800000000")]
    [InlineData("v1=0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("garbage")]
    public void MalformedHeaderIsABadRequest(string header) =>
        Assert.Equal(StatusCodes.Status400BadRequest, _scheme.CheckHeaders(Headers((StripeSignature.HeaderName, header)))?.Status);

    private static HeaderDictionary Signed(byte[] body, DateTimeOffset at, string secret) =>
        Headers((StripeSignature.HeaderName, StripeSignature.Sign(body, at.ToUnixTimeSeconds(), secret)));

    internal static byte[] EventBody(string id, bool livemode) => Encoding.UTF8.GetBytes(
        "{\"id\":\"" + id + "\",\"object\":\"event\",\"api_version\":\"2024-06-20\",\"created\":1700000000,\"livemode\":"
        + (livemode ? "true" : "false")
        + ",\"type\":\"customer.updated\",\"data\":{\"object\":{\"id\":\"cus_1\",\"object\":\"customer\",\"email\":\"a@example.com\"}}}");
}
