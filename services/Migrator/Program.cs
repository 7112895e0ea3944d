using Integrations.Migrator;

var builder = Host.CreateApplicationBuilder(args);

builder.AddServiceDefaults();
builder.AddKeyedNpgsqlDataSource("auditdb");
builder.AddKeyedNpgsqlDataSource("integrationsdb");
builder.Services.AddHostedService<MigrationRunner>();

builder.Build().Run();
