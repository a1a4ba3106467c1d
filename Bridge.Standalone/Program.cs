using Bridge.Standalone;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddStandalone();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapStandalone();

app.Run();
