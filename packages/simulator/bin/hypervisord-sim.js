#!/usr/bin/env node
import { launch } from './launch.js'

await launch('hypervisord-sim')
