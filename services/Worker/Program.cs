using Integrations.Worker.Apis;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.MapOpenApi();
app.MapDefaultEndpoints();
app.MapQueueApi();
app.MapActionsApi();

app.Run();
