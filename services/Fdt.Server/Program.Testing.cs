/// <summary>The server's entry point, visible to WebApplicationFactory in integration tests.</summary>
public partial class Program;
