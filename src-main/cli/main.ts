#!/usr/bin/env node
import { readFileSync } from 'node:fs'
console.log('cli placeholder', typeof readFileSync)
