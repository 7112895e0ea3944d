using Integrations.Receiver.Verification;
using Microsoft.AspNetCore.Http;
using NSec.Cryptography;
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

    [Fact]
    public void V1aSignatureMatchesThePublishedVectorOfTheReferenceLibrary()
    {
        // standard-webhooks libraries/go, TestAsymmetricWebhookSign: a whsk_ seed and its expected v1a entry.
        const string expected = "v1a,tQ9V2XOqn7jL/DQenEFpqIugdBVtiMmER5mhSkXBNwM0mkATuDe6KYYUuxqtaiHeYGb7KaaBRdM5WqyeFiL8Ag==";
        var body = Encoding.UTF8.GetBytes("""{"test": 2432232314}""");
        var signingKey = "whsk_VEVTVFNJR05JTkdLRVlET05PVFVTRVRISVNGT1JBTlk=";
        var at = new WebhookContext(DateTimeOffset.FromUnixTimeSeconds(1614265330), "sandbox");

        var result = _scheme.Verify(Request("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, expected), body, [PublicKeyOf(signingKey)], at);

        Assert.Equal(expected, StandardWebhooksSignature.SignAsymmetric("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body, signingKey));
        Assert.Equal("msg_p5jXN8AQM9LWM0D4loKWxJek", result.Delivery?.DeliveryId);
    }

    [Fact]
    public void V1aSignatureOfAKeyPairMadeHereVerifiesWithItsWhpkPublicKey()
    {
        using var key = NewKeyPair();
        var body = Encoding.UTF8.GetBytes("""{"type":"invoice.paid"}""");
        var ts = Now.ToUnixTimeSeconds();

        var result = _scheme.Verify(Request("msg_a1", ts, SignV1a(key, "msg_a1", ts, body)), body, [Whpk(key)], Sandbox);

        Assert.Equal(new VerifiedDelivery("msg_a1", "invoice.paid", Now), result.Delivery);
    }

    [Fact]
    public void V1aSignatureOverOneChangedByteIsRefused()
    {
        using var key = NewKeyPair();
        var body = Encoding.UTF8.GetBytes("""{"type":"invoice.paid"}""");
        var ts = Now.ToUnixTimeSeconds();
        var signature = SignV1a(key, "msg_a2", ts, body);
        body[^3] ^= 1;

        Assert.Equal(StatusCodes.Status401Unauthorized, _scheme.Verify(Request("msg_a2", ts, signature), body, [Whpk(key)], Sandbox).Rejection?.Status);
    }

    [Fact]
    public void V1aSignatureWithAStaleTimestampIsRefused()
    {
        using var key = NewKeyPair();
        var body = Encoding.UTF8.GetBytes("""{"type":"a"}""");
        var ts = Now.AddMinutes(-6).ToUnixTimeSeconds();

        var result = _scheme.Verify(Request("msg_a3", ts, SignV1a(key, "msg_a3", ts, body)), body, [Whpk(key)], Sandbox);

        Assert.Equal(StatusCodes.Status401Unauthorized, result.Rejection?.Status);
        Assert.Contains("timestamp", result.Rejection!.Title, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void V1aSignatureOfAnotherKeyIsRefused()
    {
        using var key = NewKeyPair();
        using var other = NewKeyPair();
        var body = Encoding.UTF8.GetBytes("""{"type":"a"}""");
        var ts = Now.ToUnixTimeSeconds();

        var result = _scheme.Verify(Request("msg_a4", ts, SignV1a(other, "msg_a4", ts, body)), body, [Whpk(key)], Sandbox);

        Assert.Equal(StatusCodes.Status401Unauthorized, result.Rejection?.Status);
    }

    [Fact]
    public void AnyValidEntryAmongV1AndV1aEntriesVerifies()
    {
        using var key = NewKeyPair();
        using var other = NewKeyPair();
        var body = Encoding.UTF8.GetBytes("""{"type":"a"}""");
        var ts = Now.ToUnixTimeSeconds();
        var wrongV1 = StandardWebhooksSignature.Sign("msg_a5", ts, body, "whsec_" + Convert.ToBase64String(new byte[24]));
        var wrongV1a = SignV1a(other, "msg_a5", ts, body);
        var goodV1 = StandardWebhooksSignature.Sign("msg_a5", ts, body, Secret);
        var goodV1a = SignV1a(key, "msg_a5", ts, body);

        Assert.NotNull(_scheme.Verify(Request("msg_a5", ts, $"{wrongV1} v2,abc {goodV1a} {wrongV1a}"), body, [Secret, Whpk(key)], Sandbox).Delivery);
        Assert.NotNull(_scheme.Verify(Request("msg_a5", ts, $"{wrongV1a} {goodV1}"), body, [Whpk(key), Secret], Sandbox).Delivery);
        Assert.Equal(StatusCodes.Status401Unauthorized, _scheme.Verify(Request("msg_a5", ts, $"{wrongV1} {wrongV1a}"), body, [Secret, Whpk(key)], Sandbox).Rejection?.Status);
    }

    [Fact]
    public void APublicKeyIsNeverUsedAsAnHmacKey()
    {
        using var key = NewKeyPair();
        var body = Encoding.UTF8.GetBytes("""{"type":"a"}""");
        var ts = Now.ToUnixTimeSeconds();
        // Anyone holds the public key: a v1 HMAC made with its bytes must not pass.
        var forged = "v1," + Convert.ToBase64String(Hmac(key.PublicKey.Export(KeyBlobFormat.RawPublicKey), $"msg_a6.{ts}." + """{"type":"a"}"""));

        Assert.Equal(StatusCodes.Status401Unauthorized, _scheme.Verify(Request("msg_a6", ts, forged), body, [Whpk(key)], Sandbox).Rejection?.Status);
    }

    [Theory]
    [InlineData(63)]
    [InlineData(65)]
    public void AV1aEntryThatIsNotSixtyFourBytesIsNoSignature(int length) =>
        Assert.Equal(StatusCodes.Status400BadRequest,
            _scheme.CheckHeaders(Request("msg_a7", Now.ToUnixTimeSeconds(), "v1a," + Convert.ToBase64String(new byte[length])))?.Status);

    private static Key NewKeyPair() =>
        Key.Create(SignatureAlgorithm.Ed25519, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport });

    private static string Whpk(Key key) => "whpk_" + Convert.ToBase64String(key.PublicKey.Export(KeyBlobFormat.RawPublicKey));

    /// <summary>The spec's v1a entry, signed here with NSec rather than by the scheme under test.</summary>
    private static string SignV1a(Key key, string id, long ts, byte[] body) =>
        "v1a," + Convert.ToBase64String(SignatureAlgorithm.Ed25519.Sign(key, [.. Encoding.UTF8.GetBytes($"{id}.{ts}."), .. body]));

    private static string PublicKeyOf(string whsk)
    {
        using var key = Key.Import(SignatureAlgorithm.Ed25519, Convert.FromBase64String(whsk["whsk_".Length..]), KeyBlobFormat.RawPrivateKey);
        return Whpk(key);
    }

    private static HeaderDictionary Request(string id, long ts, string signature) => Headers(
        (StandardWebhooksSignature.IdHeader, id),
        (StandardWebhooksSignature.TimestampHeader, ts.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        (StandardWebhooksSignature.SignatureHeader, signature));
}
