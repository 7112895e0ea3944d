using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Integrations.Testing;

/// <summary>
/// Starts the real AppHost once for every test in the shared stack's collection (<c>StackCollection</c>
/// in AppHost.Tests), with throwaway data directories and a known GitHub webhook secret, and waits
/// until every service is healthy.
/// Redis and PostgreSQL are real: containers where a runtime answers, local processes otherwise.
/// </summary>
public sealed class StackFixture() : SharedStack("tests")
{
    public const string GitHubWebhookSecret = "test-github-webhook-secret";
    /// <summary>A second active GitHub secret: the one being rotated out.</summary>
    public const string OldGitHubWebhookSecret = "test-github-webhook-secret-old";
    public const string StripeWebhookSecret = "whsec_test_stripe_webhook_secret";
    /// <summary>The key the worker calls Stripe with and the sandbox's Stripe API accepts.</summary>
    public const string StripeSecretKey = "sk_test_fixture0123456789abcdefKEY9";
    public const string SlackSigningSecret = "test-slack-signing-secret";
    public const string ReceiverAdminKey = "test-receiver-admin-key";
    public const string WorkerAdminKey = "test-worker-admin-key";
    /// <summary>The secret of <c>acme</c>, a Standard Webhooks source configured only for tests.</summary>
    public const string AcmeWebhookSecret = "whsec_dGVzdC1hY21lLXN0YW5kYXJkLXdlYmhvb2tzLWtleQ==";
    /// <summary>
    /// The Ed25519 signing key (a <c>whsk_</c> seed) of <c>acme-signed</c>, a Standard Webhooks source configured only
    /// for tests with the matching <c>whpk_</c> public key (<see cref="AcmeSignedPublicKey"/>): it sends <c>v1a</c> signatures.
    /// </summary>
    public const string AcmeSignedSigningKey = "whsk_dGVzdC1hY21lLXNpZ25lZC1lZDI1NTE5LXNlZWQtMDE=";
    public static readonly string AcmeSignedPublicKey = Webhooks.Ed25519PublicKey(AcmeSignedSigningKey);
    /// <summary>The secret of <c>support</c>, the help desk's Standard Webhooks source whose deliveries start a triage run.</summary>
    public const string SupportWebhookSecret = "whsec_dGVzdC1zdXBwb3J0LWRlc2std2ViaG9va3Mta2V5MDE=";
    public const string GateApiKey = "test-gate-api-key-0123456789";
    public const string BrokerApiKey = "test-broker-api-key";
    public const string AuditApiKey = "test-audit-api-key";
    public const string AuditAdminKey = "test-audit-admin-key";
    /// <summary>The audit keys of the services that write audit rows: each row records its owner as the caller.</summary>
    public const string AuditWorkerKey = "test-audit-worker-key";
    public const string AuditReceiverKey = "test-audit-receiver-key";
    public const string AuditBrokerKey = "test-audit-broker-key";
    /// <summary>The audit chain's MAC key (64 hex digits); fixed, so that stacks started on the same data agree.</summary>
    public const string AuditChainKey = "7e57c4a1bead5eed0123456789abcdeffedcba9876543210c0ffee00d15ea5e5";
    /// <summary>The dashboard URL the audit page links traces to (tests run without a dashboard).</summary>
    public const string DashboardUrl = "http://dashboard.test:18888";
    public const string GoogleClientId = "test-google-client-id";
    public const string GoogleClientSecret = "test-google-client-secret";

    /// <summary>GitHub and Slack OAuth apps, configured only for tests (the AppHost has no secrets for them).</summary>
    public static readonly IReadOnlyDictionary<string, string> ExtraOAuthApps = new Dictionary<string, string>
    {
        ["GITHUB_CLIENT_ID"] = "test-github-client-id",
        ["GITHUB_CLIENT_SECRET"] = "test-github-client-secret",
        ["SLACK_CLIENT_ID"] = "test-slack-client-id",
        ["SLACK_CLIENT_SECRET"] = "test-slack-client-secret",
    };

    /// <summary>
    /// A second token broker process on the same database, key ring and sandbox: a replica with its
    /// own data source, connection pool and in-process state, reachable at its own endpoint.
    /// </summary>
    public const string BrokerReplica = "broker-replica";

    /// <summary>The audit page's sign-in rate-limit window in the test stack (the default is a minute).</summary>
    public static readonly TimeSpan SignInWindow = TimeSpan.FromSeconds(5);

    /// <summary>The page size gap recovery asks the providers for in the test stack (<c>Backfill:PageSize</c>).</summary>
    public const int BackfillPageSize = 5;

    public static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(4);
    public static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(60);

    /// <summary>The operator file the AppHost wrote at start: each API's URL and key, for the CLI and the MCP server.</summary>
    public string OperatorFile => Path.Combine(Stack.DataDirectory, "operator.json");

    /// <summary>
    /// The key ring's key-encryption certificate (base64 PKCS#12), made once per test run rather than kept in
    /// source, so that stacks started in one run on the same data agree.
    /// </summary>
    public static readonly string KeyEncryptionCertificate = ApiKeyExtensions.CreateKeyEncryptionCertificate("data-protection-kek");

    /// <summary>The AppHost arguments that pin every secret and key to the constants above.</summary>
    public static IReadOnlyList<string> Arguments { get; } =
    [
        "INTEGRATION_ENV=sandbox",
        $"GITHUB_WEBHOOK_SECRET={GitHubWebhookSecret}",
        $"STRIPE_WEBHOOK_SECRET={StripeWebhookSecret}",
        $"STRIPE_SECRET_KEY={StripeSecretKey}",
        $"SLACK_SIGNING_SECRET={SlackSigningSecret}",
        $"Parameters:receiver-admin-key={ReceiverAdminKey}",
        $"Parameters:worker-admin-key={WorkerAdminKey}",
        $"Parameters:gate-api-key={GateApiKey}",
        $"Parameters:broker-api-key={BrokerApiKey}",
        $"Parameters:audit-api-key={AuditApiKey}",
        $"Parameters:audit-admin-key={AuditAdminKey}",
        $"Parameters:audit-worker-key={AuditWorkerKey}",
        $"Parameters:audit-receiver-key={AuditReceiverKey}",
        $"Parameters:audit-broker-key={AuditBrokerKey}",
        $"Parameters:audit-chain-key={AuditChainKey}",
        $"Parameters:data-protection-kek={KeyEncryptionCertificate}",
        $"Dashboard:Url={DashboardUrl}",
        $"GOOGLE_CLIENT_ID={GoogleClientId}",
        $"GOOGLE_CLIENT_SECRET={GoogleClientSecret}",
        // Sources declared as a user declares them: acme in configuration, support the sandbox's default.
        "Webhooks:Sources:acme:Scheme=standard",
        $"ACME_WEBHOOK_SECRET={AcmeWebhookSecret}",
        // A Standard Webhooks source that verifies with a public key only.
        "Webhooks:Sources:acme-signed:Scheme=standard",
        $"ACME_SIGNED_WEBHOOK_SECRET={AcmeSignedPublicKey}",
        $"SUPPORT_WEBHOOK_SECRET={SupportWebhookSecret}",
    ];

    private static readonly Lazy<IReadOnlyList<string>> s_services = new(() => StackServices.ReadAsync(Arguments).GetAwaiter().GetResult());

    /// <summary>
    /// The AppHost's long-running services in sandbox mode, the provider sandbox among them, read once per test
    /// run from its model (<see cref="StackServices"/>): theory rows take them at discovery, before any stack starts.
    /// </summary>
    public static IReadOnlyList<string> Services => s_services.Value;

    /// <summary>Waits for every service of the model, the broker replica among them.</summary>
    protected override Task<DistributedApplication> StartAsync(ThrowawayStack stack) => stack.StartAsync(Arguments, Configure);

    /// <summary>The test-only wiring: a second GitHub secret, OAuth apps and (optionally) the broker replica.</summary>
    public static void Configure(IDistributedApplicationTestingBuilder builder) => Configure(builder, brokerReplica: true);

    /// <inheritdoc cref="Configure(IDistributedApplicationTestingBuilder)"/>
    public static void Configure(IDistributedApplicationTestingBuilder builder, bool brokerReplica)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.CreateResourceBuilder<ProjectResource>("receiver")
            .WithEnvironment("Receiver__Sources__github__Secrets__0", OldGitHubWebhookSecret);
        // Gap recovery only on demand (a scheduled run would recover the gaps the backfill tests make before
        // they ask), for deliveries of any age, and on pages of 5 so that a test crosses pages with a few.
        builder.CreateResourceBuilder<ProjectResource>("worker")
            .WithEnvironment("Backfill__Interval", "00:00:00")
            .WithEnvironment("Backfill__MinimumAge", "00:00:00")
            .WithEnvironment("Backfill__PageSize", BackfillPageSize.ToString(System.Globalization.CultureInfo.InvariantCulture));
        // A short sign-in window, so the test that spends it waits seconds, not a minute, before the next sign-in.
        builder.CreateResourceBuilder<ProjectResource>("audit")
            .WithEnvironment("Audit__SignInWindow", SignInWindow.ToString("c", System.Globalization.CultureInfo.InvariantCulture));
        IResourceBuilder<ProjectResource>[] oauthServices =
        [
            builder.CreateResourceBuilder<ProjectResource>("broker"),
            builder.CreateResourceBuilder<ProjectResource>("sandbox"),
            .. brokerReplica ? [AddBrokerReplica(builder)] : Array.Empty<IResourceBuilder<ProjectResource>>(),
        ];
        foreach (var service in oauthServices)
        {
            foreach (var (name, value) in ExtraOAuthApps)
            {
                service.WithEnvironment(name, value);
            }
        }

        builder.Services.ConfigureHttpClientDefaults(http => http.AddStandardResilienceHandler());
    }

    private static IResourceBuilder<ProjectResource> AddBrokerReplica(IDistributedApplicationTestingBuilder builder)
    {
        return builder.AddProject(BrokerReplica, Path.Combine(builder.AppHostDirectory, "..", "services", "TokenBroker", "TokenBroker.csproj"))
            .WithServiceLogin(ServiceLogins.For(builder, "integrationsdb", "integrations_broker")).WaitForCompletion(builder.CreateResourceBuilder<ProjectResource>("migrator"))
            .WithReference(builder.CreateResourceBuilder<ProjectResource>("audit")).WithEnvironment("Audit__ApiKey", AuditBrokerKey)
            .WithEnvironment("INTEGRATION_ENV", "sandbox")
            .WithEnvironment("GOOGLE_CLIENT_ID", GoogleClientId)
            .WithEnvironment("GOOGLE_CLIENT_SECRET", GoogleClientSecret)
            .WithEnvironment("Broker__ApiKey", BrokerApiKey)
            .WithEnvironment("DataProtection__KeyEncryptionCertificate", builder.CreateResourceBuilder<ParameterResource>("data-protection-kek"))
            .WithProviders(builder.CreateResourceBuilder<ProjectResource>("sandbox"))
            .WithHttpHealthCheck("/health");
    }

    /// <summary>Polls until <paramref name="probe"/> returns a value, or fails the test after <see cref="StepTimeout"/>.</summary>
    public static async Task<T> EventuallyAsync<T>(Func<Task<T?>> probe, string what) where T : class
    {
        var deadline = DateTime.UtcNow + StepTimeout;
        while (DateTime.UtcNow < deadline)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }

        throw new TimeoutException($"Timed out after {StepTimeout.TotalSeconds} s waiting for {what}.");
    }

    public async Task<List<T>> GetJsonAsync<T>(string resource, string path)
    {
        using var http = App.CreateHttpClient(resource);
        return await http.GetFromJsonAsync<List<T>>(path) ?? [];
    }

    /// <summary>An HTTP client for the receiver with its admin key: the <c>/admin</c> and <c>/deliveries</c> APIs need it.</summary>
    public HttpClient CreateReceiverAdminClient()
    {
        var receiver = App.CreateHttpClient("receiver");
        receiver.DefaultRequestHeaders.Add("X-Api-Key", ReceiverAdminKey);
        return receiver;
    }

    /// <summary>An HTTP client for the worker's APIs with its admin key.</summary>
    public HttpClient CreateWorkerAdminClient()
    {
        var worker = App.CreateHttpClient("worker");
        worker.DefaultRequestHeaders.Add("X-Api-Key", WorkerAdminKey);
        return worker;
    }

    /// <summary>
    /// The same, without the test clients' own resilience handler, which would time out a stalled call
    /// and send the POST again: for tests about what one call does.
    /// </summary>
    public HttpClient CreatePlainWorkerAdminClient()
    {
        var worker = new HttpClient { BaseAddress = App.GetEndpoint("worker", "http"), Timeout = TimeSpan.FromMinutes(1) };
        worker.DefaultRequestHeaders.Add("X-Api-Key", WorkerAdminKey);
        return worker;
    }

    /// <summary>Waits for an audit row with the idempotency key and status.</summary>
    public Task<object> WaitForAuditRowAsync(string key, string status) =>
        EventuallyAsync(
            async () => (await GetAuditRowsAsync<System.Text.Json.JsonElement>($"?idempotencyKey={key}"))
                .Where(r => r.GetProperty("status").GetString() == status).Select(r => (object)r).FirstOrDefault(),
            $"an audit row '{status}' for {key}");

    /// <summary>An HTTP client for the audit API that sends the audit API key.</summary>
    public HttpClient CreateAuditClient() => CreateAuditClient(App);

    public static HttpClient CreateAuditClient(DistributedApplication app, string? apiKey = AuditApiKey)
    {
        var http = app.CreateHttpClient("audit");
        if (apiKey is not null)
        {
            http.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        }

        return http;
    }

    /// <summary>The rows of one page of <c>GET api/audit</c> (<paramref name="query"/> starts with <c>?</c>).</summary>
    public async Task<List<T>> GetAuditRowsAsync<T>(string query) => await GetAuditRowsAsync<T>(App, query);

    public static async Task<List<T>> GetAuditRowsAsync<T>(DistributedApplication app, string query)
    {
        await WaitForAuditOutboxAsync(app);
        using var http = CreateAuditClient(app);
        var page = await http.GetFromJsonAsync<AuditPageDto<T>>($"/api/audit{query}");
        return page?.Items ?? [];
    }

    /// <summary>
    /// Waits until the worker's audit outbox has shipped every row it holds (rows refused as invalid
    /// stay, by design), so that a read sees every row the worker has written so far. A stack
    /// without a worker has no outbox.
    /// </summary>
    public static async Task WaitForAuditOutboxAsync(DistributedApplication app)
    {
        var model = app.Services.GetRequiredService<DistributedApplicationModel>();
        if (!model.Resources.Any(resource => resource.Name == "worker"))
        {
            return;
        }

        await using var connection = new NpgsqlConnection(await app.GetConnectionStringAsync("integrationsdb"));
        await connection.OpenAsync();
        await EventuallyAsync(async () =>
        {
            await using var command = new NpgsqlCommand("SELECT count(*) FROM audit_outbox WHERE refused IS NULL", connection);
            return (long)(await command.ExecuteScalarAsync())! == 0 ? "" : null;
        }, "the worker's audit outbox to ship its rows");
    }

    /// <summary>An HTTP client for the gate with its own connection pool, as a separate worker would have.</summary>
    public HttpClient CreateGateHttpClient(string? apiKey = GateApiKey) =>
        GateProcess.CreateHttpClient(App.GetEndpoint("gate", "http"), apiKey);
}
