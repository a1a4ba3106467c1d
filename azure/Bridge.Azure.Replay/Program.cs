using Bridge.OpsConsole;
using Bridge.Replay;

var builder = WebApplication.CreateBuilder(args);

builder.AddAzureServiceDefaults();
builder.AddReplay();
builder.EnrichBridgeStore();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapReplayApi();
app.MapConsole();

app.Run();
