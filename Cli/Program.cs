using System.CommandLine;
using MusicCluster.Cli.Commands;

var root = new RootCommand("musiccluster: datasets, training, generation, scoring and benchmarks for MusicCluster");
root.Subcommands.Add(DoctorCommand.Create());
// The MIDI reader of Music/Midi plugs in here (an IPieceReader); without one, `dataset import --format midi` says so.
root.Subcommands.Add(DatasetCommand.Create(midiReader: null));
root.Subcommands.Add(TrainCommand.Create());
// The MIDI reader and writer of Music/Midi plug in here; without them `generate` says it cannot write MIDI.
root.Subcommands.Add(GenerateCommand.Create(files: null));
return await CliRunner.RunAsync(root, args);
