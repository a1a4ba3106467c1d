using Bridge.AppHost;

var builder = DistributedApplication.CreateBuilder(args);

var bridge = builder.AddBridgeResources();

builder.AddProject<Projects.Bridge_Publisher>("publisher")
    .WithBridge(bridge)
    .WithExternalHttpEndpoints();

builder.AddProject<Projects.Bridge_Subscriber>("subscriber")
    .WithBridge(bridge)
    .WithReplicas(bridge.SubscriberReplicas);

builder.AddProject<Projects.Bridge_Replay>("replay")
    .WithBridge(bridge)
    .WithExternalHttpEndpoints();

builder.Build().Run();
