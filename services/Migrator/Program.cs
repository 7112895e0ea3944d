using Integrations.Migrator;

var builder = Host.CreateApplicationBuilder(args);

builder.AddServiceDefaults();
// Every service role's password must be here before anything is migrated.
ServiceRoles.Validate(builder.Configuration);
builder.Services.AddSingleton<ServiceRoles>();
builder.AddKeyedNpgsqlDataSource("auditdb");
builder.AddKeyedNpgsqlDataSource("integrationsdb");
builder.Services.AddHostedService<MigrationRunner>();

builder.Build().Run();
