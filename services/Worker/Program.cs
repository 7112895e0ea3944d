using Integrations.Worker.Apis;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapOpenApi();
app.MapQueueApi();
app.MapActionsApi();
app.MapBackfillApi();

app.Run();
