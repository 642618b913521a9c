using System.CommandLine;
using MusicCluster.Cli.Commands;

var root = new RootCommand("musiccluster: datasets, training, generation, scoring and benchmarks for MusicCluster");
root.Subcommands.Add(DoctorCommand.Create());
// The MIDI reader of Music/Midi plugs in here (an IPieceReader); without one, `dataset import --format midi` says so.
root.Subcommands.Add(DatasetCommand.Create(midiReader: null));
root.Subcommands.Add(BenchCommand.Create());
return await CliRunner.RunAsync(root, args);
