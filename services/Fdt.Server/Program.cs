using Fdt.Protocol.Transport;
using Fdt.Server.Hosting;

RuntimeTuning.Apply();
return await ServerCommand.Create(ServerHost.RunAsync).Parse(args).InvokeAsync();
