using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Integrations.Receiver.Verification;
using Microsoft.AspNetCore.Http;
using static Integrations.Services.Tests.SchemeTestKit;

namespace Integrations.Services.Tests;

public sealed class SlackSignatureTests
{
    private const string Secret = "slack-signing-secret";
    private readonly SlackSignature _scheme = new();

    [Fact]
    public void SignatureIsHmacOfVersionTimestampAndBody()
    {
        var body = Encoding.UTF8.GetBytes("""{"type":"event_callback"}""");
        var expected = "v0=" + Convert.ToHexStringLower(Hmac(Encoding.UTF8.GetBytes(Secret), "v0:1531420618:" + """{"type":"event_callback"}"""));

        Assert.Equal(expected, SlackSignature.Sign(body, 1531420618, Secret));
    }

    [Fact]
    public void EventCallbackVerifiesWithItsEventId()
    {
        var body = EventBody("Ev123");

        var result = _scheme.Verify(Signed(body, Now), body, [Secret], Sandbox);

        Assert.Equal("Ev123", result.Delivery?.DeliveryId);
        Assert.Equal("app_mention", result.Delivery?.EventType);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000), result.Delivery?.OccurredAt);
    }

    [Fact]
    public void UrlVerificationIsAnsweredWithTheChallenge()
    {
        var body = Encoding.UTF8.GetBytes("""{"token":"t","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}""");

        var result = _scheme.Verify(Signed(body, Now), body, [Secret], Sandbox);

        Assert.Equal("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P", result.Challenge);
        Assert.Null(result.Delivery);
    }

    [Theory]
    [InlineData(-301)]
    [InlineData(301)]
    public void TimestampOutsideFiveMinutesIsRefused(int offsetSeconds)
    {
        var body = EventBody("Ev1");

        var result = _scheme.Verify(Signed(body, Now.AddSeconds(offsetSeconds)), body, [Secret], Sandbox);

        Assert.Equal(StatusCodes.Status401Unauthorized, result.Rejection?.Status);
        Assert.Contains("timestamp", result.Rejection!.Title, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void TimestampWithinFiveMinutesIsAccepted()
    {
        var body = EventBody("Ev1");

        Assert.NotNull(_scheme.Verify(Signed(body, Now.AddSeconds(-299)), body, [Secret], Sandbox).Delivery);
    }

    [Fact]
    public void ReplayWithAnotherTimestampFailsTheSignature()
    {
        var body = EventBody("Ev1");
        var headers = Signed(body, Now.AddSeconds(-10));
        headers[SlackSignature.TimestampHeader] = Now.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal(StatusCodes.Status401Unauthorized, _scheme.Verify(headers, body, [Secret], Sandbox).Rejection?.Status);
    }

    [Fact]
    public void MissingTimestampIsABadRequest() =>
        Assert.Equal(StatusCodes.Status400BadRequest, _scheme.CheckHeaders(Headers((SlackSignature.SignatureHeader, "v0=" + new string('a', 64))))?.Status);

    [Fact]
    public void SlacksDocumentedSlashCommandVerifiesAndIsStoredAsItsFieldsUnderItsTriggerId()
    {
        var result = _scheme.Verify(DocumentedRequest(), s_documentedBody, [DocumentedSecret], AtDocumentedTime);

        var delivery = Assert.IsType<VerifiedDelivery>(result.Delivery);
        Assert.Equal(("398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c", "slash_command", true),
            (delivery.DeliveryId, delivery.EventType, delivery.AnswerEmpty));
        using var stored = JsonDocument.Parse(delivery.StoredBody!);
        Assert.Equal("/webhook-collect", stored.RootElement.GetProperty("command").GetString());
        Assert.Equal("", stored.RootElement.GetProperty("text").GetString());
        Assert.Equal("U2CERLKJA", stored.RootElement.GetProperty("user_id").GetString());
        Assert.Equal("https://hooks.slack.com/commands/T1DC2JH3J/397700885554/96rGlfmibIGlgcZRskXaIFfN", stored.RootElement.GetProperty("response_url").GetString());
    }

    [Fact]
    public void SlashCommandWithOneChangedByteFailsVerification()
    {
        var tampered = s_documentedBody.ToArray();
        tampered[Array.IndexOf(tampered, (byte)'w')] = (byte)'W';

        Assert.Equal(StatusCodes.Status401Unauthorized, _scheme.Verify(DocumentedRequest(), tampered, [DocumentedSecret], AtDocumentedTime).Rejection?.Status);
    }

    [Fact]
    public void SlashCommandOutsideFiveMinutesIsRefused()
    {
        var later = new WebhookContext(DateTimeOffset.FromUnixTimeSeconds(DocumentedTimestamp + 301), "sandbox");

        var result = _scheme.Verify(DocumentedRequest(), s_documentedBody, [DocumentedSecret], later);

        Assert.Equal(StatusCodes.Status401Unauthorized, result.Rejection?.Status);
        Assert.Contains("timestamp", result.Rejection!.Title, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void InteractionIsStoredAsItsPayloadJsonWithItsTypeAndTriggerId()
    {
        const string payload = """{"type":"block_actions","trigger_id":"1337.4242.f00d","user":{"id":"U1"},"actions":[{"action_id":"approve","value":"a+b & c"}]}""";
        var form = Encoding.UTF8.GetBytes("payload=" + WebUtility.UrlEncode(payload));

        var result = _scheme.Verify(SignedForm(form, Now), form, [Secret], Sandbox);

        Assert.Equal(("1337.4242.f00d", "block_actions", true), (result.Delivery?.DeliveryId, result.Delivery?.EventType, result.Delivery?.AnswerEmpty));
        Assert.Equal(payload, Encoding.UTF8.GetString(result.Delivery!.StoredBody!));
    }

    [Fact]
    public void InteractionWithoutATriggerIdIsNamedByTheDigestOfWhatWasSigned()
    {
        var form = Encoding.UTF8.GetBytes("payload=" + WebUtility.UrlEncode("""{"type":"view_closed","view":{"id":"V1"}}"""));
        var ts = Now.ToUnixTimeSeconds();
        var expected = "sha256:" + Convert.ToHexStringLower(SHA256.HashData([.. Encoding.UTF8.GetBytes($"v0:{ts}:"), .. form]));

        var first = _scheme.Verify(SignedForm(form, Now), form, [Secret], Sandbox).Delivery;
        var resent = _scheme.Verify(SignedForm(form, Now), form, [Secret], Sandbox).Delivery;
        var later = _scheme.Verify(SignedForm(form, Now.AddSeconds(1)), form, [Secret], Sandbox).Delivery;

        Assert.Equal(("view_closed", expected), (first?.EventType, first?.DeliveryId));
        Assert.Equal(expected, resent?.DeliveryId);
        Assert.NotEqual(expected, later?.DeliveryId);
    }

    [Theory]
    [InlineData("token=t&team_id=T1", "Form body not understood.")]
    [InlineData("command=&text=hi", "Form body not understood.")]
    [InlineData("payload=%7Bnot+json", "Body is not valid JSON.")]
    [InlineData("payload=%7B%22trigger_id%22%3A%221.2.3%22%7D", "Body is not valid JSON.")]
    [InlineData("command=%2Fa&command=%2Fb", "Form body not understood.")]
    public void SignedFormThatIsNeitherACommandNorAnInteractionIsABadRequest(string form, string title)
    {
        var body = Encoding.UTF8.GetBytes(form);

        var result = _scheme.Verify(SignedForm(body, Now), body, [Secret], Sandbox);

        Assert.Equal((StatusCodes.Status400BadRequest, title), (result.Rejection?.Status, result.Rejection?.Title));
    }

    // The worked example of Slack's "Verifying requests from Slack": a slash command.
    private const string DocumentedSecret = "8f742231b10e8888abcd99yyyzzz85a5";
    private const long DocumentedTimestamp = 1531420618;
    private const string DocumentedSignature = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";
    private static readonly byte[] s_documentedBody = Encoding.UTF8.GetBytes(
        "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar"
        + "&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN"
        + "&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c");

    private static WebhookContext AtDocumentedTime => new(DateTimeOffset.FromUnixTimeSeconds(DocumentedTimestamp), "sandbox");

    private static HeaderDictionary DocumentedRequest() => Headers(
        ("Content-Type", "application/x-www-form-urlencoded"),
        (SlackSignature.TimestampHeader, DocumentedTimestamp.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        (SlackSignature.SignatureHeader, DocumentedSignature));

    /// <summary>A form signed with Slack's documented algorithm, computed here rather than by the scheme under test.</summary>
    private static HeaderDictionary SignedForm(byte[] body, DateTimeOffset at)
    {
        var ts = at.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Headers(
            ("Content-Type", "application/x-www-form-urlencoded"),
            (SlackSignature.TimestampHeader, ts),
            (SlackSignature.SignatureHeader, "v0=" + Convert.ToHexStringLower(Hmac(Encoding.UTF8.GetBytes(Secret), $"v0:{ts}:" + Encoding.UTF8.GetString(body)))));
    }

    private static byte[] EventBody(string eventId) =>
        Encoding.UTF8.GetBytes($$$"""{"type":"event_callback","event_id":"{{{eventId}}}","event_time":1700000000,"event":{"type":"app_mention","text":"hi"}}""");

    private static HeaderDictionary Signed(byte[] body, DateTimeOffset at)
    {
        var ts = at.ToUnixTimeSeconds();
        return Headers(
            (SlackSignature.TimestampHeader, ts.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            (SlackSignature.SignatureHeader, SlackSignature.Sign(body, ts, Secret)));
    }
}
