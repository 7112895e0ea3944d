using Integrations.AppHost;

var builder = DistributedApplication.CreateBuilder(args);

var settings = IntegrationSettings.Add(builder);
var infra = builder.AddInfrastructure();

// Keys for service-to-service and operator calls: secret parameters, random per run unless configured.
var gateApiKey = builder.AddApiKey("gate-api-key");
var receiverAdminKey = builder.AddApiKey("receiver-admin-key");
var workerAdminKey = builder.AddApiKey("worker-admin-key");
var brokerApiKey = builder.AddApiKey("broker-api-key");
var auditApiKey = builder.AddApiKey("audit-api-key");
var auditAdminKey = builder.AddApiKey("audit-admin-key");
// Each audit writer's own key, so that every row records who really wrote it (operators use audit-api-key).
var auditReceiverKey = builder.AddApiKey("audit-receiver-key");
var auditBrokerKey = builder.AddApiKey("audit-broker-key");
var auditWorkerKey = builder.AddApiKey("audit-worker-key");
// The audit chain's MAC key lives outside the database, and must be the same on every run.
var auditChainKey = builder.AddStoredKey("audit-chain-key");
// The Data Protection key ring is in the database; its keys are encrypted to this certificate, which is not.
var keyEncryptionCertificate = builder.AddStoredCertificate("data-protection-kek");

// Each service logs in to PostgreSQL as its own least-privilege role; the superuser stays with the migrator.
var receiverLogin = builder.AddServiceLogin(infra.IntegrationsDb, "integrations_receiver");
var workerLogin = builder.AddServiceLogin(infra.IntegrationsDb, "integrations_worker");
var brokerLogin = builder.AddServiceLogin(infra.IntegrationsDb, "integrations_broker");
var auditLogin = builder.AddServiceLogin(infra.AuditDb, "audit_service");

// Schema setup, roles and grants run once and exit; everything that touches PostgreSQL waits for it.
var migrator = builder.AddProject<Projects.Migrator>("migrator")
    .WithReference(infra.AuditDb).WaitFor(infra.AuditDb)
    .WithReference(infra.IntegrationsDb).WaitFor(infra.IntegrationsDb)
    .WithServiceLogins(receiverLogin, workerLogin, brokerLogin, auditLogin);

// The audit page links each row to its trace in the dashboard.
var audit = builder.AddProject<Projects.Audit>("audit")
    .WithServiceLogin(auditLogin).WaitForCompletion(migrator)
    .WithSecrets(settings)
    .WithEnvironment("Audit__ApiKey", auditApiKey)
    .WithEnvironment("Audit__AdminKey", auditAdminKey)
    .WithEnvironment("Audit__ChainKey", auditChainKey)
    .WithDashboardUrl(builder)
    .WithHttpHealthCheck("/health");

var gate = builder.AddProject<Projects.Gate>("gate")
    .WithReference(infra.Cache).WaitFor(infra.Cache)
    .WithSecrets(settings)
    .WithEnvironment("Gate__ApiKey", gateApiKey)
    .WithHttpHealthCheck("/health");

var receiver = builder.AddProject<Projects.Receiver>("receiver")
    .WithServiceLogin(receiverLogin).WaitForCompletion(migrator)
    .WithAuditKey(audit, auditReceiverKey)
    .WithSecrets(settings, "GITHUB_WEBHOOK_SECRET", "STRIPE_WEBHOOK_SECRET", "SLACK_SIGNING_SECRET")
    .WithWebhookSources(settings)
    .WithEnvironment("Receiver__AdminApiKey", receiverAdminKey)
    .WithEnvironment("DataProtection__KeyEncryptionCertificate", keyEncryptionCertificate)
    .WithSecretCommands(receiverAdminKey)
    .WithHttpHealthCheck("/health");

// The provider emulator exists only in sandbox mode; live mode talks to the real providers.
// It sends signed webhooks to the receiver on request, so it references it, but does not wait for it.
var sandbox = settings.IsSandbox
    ? builder.AddProject<Projects.Sandbox>("sandbox")
        .WithSecrets(settings, [.. IntegrationSettings.SecretNames])
        .WithWebhookSenders(settings)
        .WithReference(receiver)
        .WithHttpHealthCheck("/health")
    : null;

// OAuth connections for the other services; its API needs the broker key, except the OAuth callback.
var broker = builder.AddProject<Projects.TokenBroker>("broker")
    .WithServiceLogin(brokerLogin).WaitForCompletion(migrator)
    .WithAuditKey(audit, auditBrokerKey)
    .WithSecrets(settings, "GOOGLE_CLIENT_ID", "GOOGLE_CLIENT_SECRET")
    .WithEnvironment("Broker__ApiKey", brokerApiKey)
    .WithEnvironment("DataProtection__KeyEncryptionCertificate", keyEncryptionCertificate)
    .WithProviders(sandbox)
    .WithHttpHealthCheck("/health");

var worker = builder.AddProject<Projects.Worker>("worker")
    .WithServiceLogin(workerLogin).WaitForCompletion(migrator)
    .WithAuditKey(audit, auditWorkerKey).WaitFor(audit)
    .WithReference(gate).WaitFor(gate).WithEnvironment("Gate__ApiKey", gateApiKey)
    .WithReference(broker).WithEnvironment("Broker__ApiKey", brokerApiKey)
    .WithSecrets(settings, "SLACK_BOT_TOKEN", "SLACK_WEBHOOK_URL", "STRIPE_SECRET_KEY", "GITHUB_TOKEN")
    .WithEnvironment("Worker__AdminApiKey", workerAdminKey)
    .WithQueueCommands(workerAdminKey)
    .WithProviders(sandbox)
    .WithSandboxTriage(sandbox)
    .WithBackfill(builder.Configuration, sandbox)
    .WithHttpHealthCheck("/health");

// The CLI and its MCP server find each API and its key here (.data/operator.json, 0600), straight after ./run.sh.
builder.WithOperatorFile(
    ("receiver", receiver, receiverAdminKey, ""),
    ("worker", worker, workerAdminKey, ""),
    ("broker", broker, brokerApiKey, ""),
    ("audit", audit, auditApiKey, ""),
    ("audit-page", audit, auditAdminKey, "audit"));

builder.WithTelemetrySettings();
builder.WithQuickWarmUp();
builder.WithDirectEndpoints();
builder.Build().Run();
