using System.CommandLine;
using Fdt.Server.Hosting;

// The web host handles SIGINT/SIGTERM itself (graceful drain, then exit 0), so the command line
// library must not cut it short.
return await ServerCommand.Create(ServerHost.RunAsync).Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
