using System.CommandLine;
using MusicCluster.Cli.Commands;

var root = new RootCommand("musiccluster: datasets, training, generation, scoring and benchmarks for MusicCluster");
root.Subcommands.Add(DoctorCommand.Create());
root.Subcommands.Add(ConvertCommand.Create(MidiWiring.ReadMidiFile, MidiWiring.EncodeMidi));
return await root.Parse(args).InvokeAsync();
