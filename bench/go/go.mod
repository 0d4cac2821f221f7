module cgosan/bench/go

go 1.19
