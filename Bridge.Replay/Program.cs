using Bridge.OpsConsole;
using Bridge.Replay;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddReplay();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapReplayApi();
app.MapConsole();

app.Run();
