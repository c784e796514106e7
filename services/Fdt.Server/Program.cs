using Fdt.Server.Hosting;

return await ServerCommand.Create(ServerHost.RunAsync).Parse(args).InvokeAsync();
